/**
 * Derived boundaries (DESIGN: Principals that already have another boundary). A principal has at
 * most one boundary; when it already carries a customer's, it gets scp-enforce-policy-<hash>: the
 * customer's statements plus our Deny statements. Our boundary is "Allow *" plus explicit denies,
 * so that union is exactly the intersection of the two boundaries. Pure: no AWS here.
 */
import { createHash } from 'node:crypto';
import {
  IAM_MANAGED_POLICY_SIZE_LIMIT,
  type ManagedPolicyDocument,
  type ManagedPolicyStatement,
  type PolicyLanguageVersion,
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

export type DerivedDocument =
  | { ok: true; document: ManagedPolicyDocument; size: number }
  | { ok: false; reason: string };

const POLICY_VARIABLE = '${';

/**
 * The customer's statements unchanged, then every Deny of ours. A Sid of ours that the customer
 * already uses is dropped (Sids must be unique), never one of theirs.
 */
export function derivedBoundaryDocument(
  customer: ManagedPolicyDocument,
  ours: ManagedPolicyDocument,
): DerivedDocument {
  const theirs = customer.Statement;
  const taken = new Set(theirs.map((statement) => statement.Sid).filter((sid) => sid !== undefined));
  const denies = ours.Statement.filter((statement) => statement.Effect === 'Deny').map((statement) => {
    if (statement.Sid === undefined || !taken.has(statement.Sid)) return statement;
    const { Sid: _dropped, ...rest } = statement;
    return rest;
  });
  const version = derivedVersion(customer, denies);
  if (!version.ok) return version;
  const document: ManagedPolicyDocument = {
    ...(version.version ? { Version: version.version } : {}),
    Statement: [...theirs, ...denies],
  };
  const size = policySize(document);
  if (size > IAM_MANAGED_POLICY_SIZE_LIMIT) {
    return {
      ok: false,
      reason: `customer policy plus our denies is ${size} characters; IAM allows ${IAM_MANAGED_POLICY_SIZE_LIMIT}`,
    };
  }
  return { ok: true, document, size };
}

/**
 * The customer's language version, as written: in 2008-10-17 (or without Version) `${aws:username}`
 * is literal text, in 2012-10-17 a policy variable, so forcing 2012-10-17 on their statements could
 * change what they allow. Only when our denies use policy variables must the document be
 * 2012-10-17, and that is safe only if the customer's statements have no `${` to read differently.
 */
function derivedVersion(
  customer: ManagedPolicyDocument,
  denies: ManagedPolicyStatement[],
): { ok: true; version: PolicyLanguageVersion | undefined } | { ok: false; reason: string } {
  if (customer.Version === '2012-10-17') return { ok: true, version: customer.Version };
  if (!JSON.stringify(denies).includes(POLICY_VARIABLE)) return { ok: true, version: customer.Version };
  if (!JSON.stringify(customer.Statement).includes(POLICY_VARIABLE))
    return { ok: true, version: '2012-10-17' };
  return {
    ok: false,
    reason: `the customer policy is written in policy language ${customer.Version ?? '2008-10-17 (no Version)'}, where \${…} is literal text, and our denies use policy variables: one document cannot read both ways`,
  };
}
