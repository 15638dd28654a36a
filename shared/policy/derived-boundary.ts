/**
 * Derived boundaries (DESIGN: Principals that already have another boundary). A principal has at
 * most one boundary; when it already carries a customer's, it gets scp-enforce-policy-<hash>: the
 * customer's statements plus our Deny statements. Our boundary is "Allow *" plus explicit denies,
 * so that union is exactly the intersection of the two boundaries. Pure: no AWS here.
 */
import { createHash } from 'node:crypto';
import {
  IAM_MANAGED_POLICY_SIZE_LIMIT,
  type PolicyDocument,
  type PolicyStatement,
  policySize,
} from './index.ts';

/** Hex characters of the ARN hash in the name; 64 bits make a collision within one account moot. */
const NAME_HASH_LENGTH = 16;

/** `scp-enforce-policy-<hash>`: stable for one customer policy ARN, covered by our protective deny. */
export function derivedPolicyName(ourPolicyName: string, customerPolicyArn: string): string {
  const hash = createHash('sha256').update(customerPolicyArn).digest('hex').slice(0, NAME_HASH_LENGTH);
  return `${ourPolicyName}-${hash}`;
}

/** True for scp-enforce-policy-<anything> in the account of `ourPolicyArn`. */
export function isDerivedPolicyArn(ourPolicyArn: string, policyArn: string | undefined): boolean {
  return policyArn?.startsWith(`${ourPolicyArn}-`) ?? false;
}

/** IAM returns documents with `Statement` as one object or a list; we always write a list. */
export function statementsOf(document: PolicyDocument): PolicyStatement[] {
  const statements = (document as { Statement?: unknown }).Statement;
  if (Array.isArray(statements)) return statements as PolicyStatement[];
  return statements && typeof statements === 'object' ? [statements as PolicyStatement] : [];
}

export type DerivedDocument =
  | { ok: true; document: PolicyDocument; size: number }
  | { ok: false; reason: string };

/**
 * The customer's statements unchanged, then every Deny of ours. A Sid of ours that the customer
 * already uses is dropped (Sids must be unique), never one of theirs.
 */
export function derivedBoundaryDocument(customer: PolicyDocument, ours: PolicyDocument): DerivedDocument {
  const theirs = statementsOf(customer);
  const taken = new Set(theirs.map((statement) => statement.Sid).filter((sid) => sid !== undefined));
  const denies = statementsOf(ours)
    .filter((statement) => statement.Effect === 'Deny')
    .map((statement) => {
      if (statement.Sid === undefined || !taken.has(statement.Sid)) return statement;
      const { Sid: _dropped, ...rest } = statement;
      return rest;
    });
  const document: PolicyDocument = { Version: '2012-10-17', Statement: [...theirs, ...denies] };
  const size = policySize(document);
  if (size > IAM_MANAGED_POLICY_SIZE_LIMIT) {
    return {
      ok: false,
      reason: `customer policy plus our denies is ${size} characters; IAM allows ${IAM_MANAGED_POLICY_SIZE_LIMIT}`,
    };
  }
  return { ok: true, document, size };
}
