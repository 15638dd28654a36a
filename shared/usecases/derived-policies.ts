import { resourceNameOf } from '#policy/arn.ts';
import { derivedBoundaryDocument, derivedPolicyName, isDerivedPolicyArn } from '#policy/derived-boundary.ts';
import { type ManagedPolicyDocument, policyHash } from '#policy/index.ts';
import { DerivedBoundaryError } from '#shared/errors.ts';
import type { FlowContext } from './flow-context.ts';

/** Name of the derived policy for a customer boundary; the base name comes from the port's ARN. */
export function derivedPolicyNameIn(ctx: FlowContext, accountId: string, customerPolicyArn: string): string {
  return derivedPolicyName(resourceNameOf(ctx.ports.iam.policyArnFor(accountId)), customerPolicyArn);
}

export interface DerivedPolicies {
  /**
   * ARN of the derived policy for a customer boundary, created or rebuilt first when its content
   * differs from customer ∩ ours (either side may have changed). Memoised per customer policy.
   */
  ensure(customerPolicyArn: string): Promise<string>;
  /** The customer policy a derived ARN was made from, when this account's record knows it. */
  customerOf(derivedPolicyArn: string): string | undefined;
  isDerived(policyArn: string | undefined): boolean;
  /** Customer policies whose derived policy was written (created or rebuilt) by this instance. */
  readonly rewritten: string[];
}

/**
 * Derived policies of one account for one run. `ours` is the scp-enforce-policy document the run
 * applies (compiled, or read from IAM on the event path); `knownCustomers` the record's list.
 */
export function derivedPoliciesFor(
  ctx: FlowContext,
  accountId: string,
  ours: () => Promise<ManagedPolicyDocument | undefined>,
  knownCustomers: readonly string[],
): DerivedPolicies {
  const { iam } = ctx.ports;
  const ourArn = iam.policyArnFor(accountId);
  const derivedArnOf = (customerArn: string) =>
    iam.policyArnFor(accountId, derivedPolicyNameIn(ctx, accountId, customerArn));
  const byDerivedArn = new Map(knownCustomers.map((arn) => [derivedArnOf(arn), arn]));
  const ensured = new Map<string, Promise<string>>();
  const rewritten: string[] = [];

  const build = async (customerArn: string): Promise<string> => {
    const name = derivedPolicyNameIn(ctx, accountId, customerArn);
    const [customer, ourDocument] = await Promise.all([
      iam.readManagedPolicy(accountId, customerArn),
      ours(),
    ]);
    if (!customer) throw new DerivedBoundaryError(customerArn, 'the customer policy does not exist');
    if (!ourDocument) throw new DerivedBoundaryError(customerArn, 'scp-enforce-policy does not exist yet');
    const derived = derivedBoundaryDocument(customer, ourDocument);
    if (!derived.ok) throw new DerivedBoundaryError(customerArn, derived.reason);
    const current = await iam.readBoundaryPolicy(accountId, name);
    if (current && policyHash(current.document) === policyHash(derived.document)) return current.policyArn;
    const written = await iam.writeBoundaryPolicy(accountId, derived.document, {
      policyName: name,
      lastVersionId: current?.versionId,
    });
    rewritten.push(customerArn);
    ctx.log.info('derived boundary written', { accountId, customerArn, policyArn: written.policyArn });
    return written.policyArn;
  };

  return {
    ensure: (customerArn) => {
      let pending = ensured.get(customerArn);
      if (!pending) {
        pending = build(customerArn);
        ensured.set(customerArn, pending);
        byDerivedArn.set(derivedArnOf(customerArn), customerArn);
      }
      return pending;
    },
    customerOf: (derivedArn) => byDerivedArn.get(derivedArn),
    isDerived: (policyArn) => isDerivedPolicyArn(ourArn, policyArn),
    rewritten,
  };
}
