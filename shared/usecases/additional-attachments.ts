/**
 * Keeping the additional policies (scp-enforce-policy-2, …) attached to every bounded principal.
 * Who holds each policy is listed once per run (one paginated ListEntitiesForPolicy each), so a
 * principal that already holds them all costs no call; a missing one costs one attach.
 */
import { isExemptPrincipal } from '#policy/index.ts';
import { mapSettled } from '#runtime/concurrency.ts';
import { AwsStepError, errorText, type PrincipalShortOfPolicies } from '#shared/errors.ts';
import { boundaryParametersFor, DEFAULT_PRINCIPAL_CONCURRENCY, type FlowContext } from './flow-context.ts';
import type { AttachOutcome, Principal, PrincipalRef } from './ports.ts';

export interface PrincipalAttachments {
  /** Names of the policies attached now. */
  attached: string[];
  /** Names the principal could not take: it holds its quota of attached managed policies. */
  missing: string[];
}

export interface AdditionalAttachments {
  readonly policyNames: readonly string[];
  /** Attaches to the principal every additional policy it does not hold yet. */
  complete(principal: PrincipalRef): Promise<PrincipalAttachments>;
}

const holderKey = (ref: { kind: string; name: string }) => `${ref.kind}/${ref.name}`;

/** Reads who holds each of the named policies (none when `policyNames` is empty: no call). */
export async function additionalAttachments(
  ctx: FlowContext,
  accountId: string,
  policyNames: readonly string[],
): Promise<AdditionalAttachments> {
  const { iam } = ctx.ports;
  const policies = await Promise.all(
    policyNames.map(async (name) => {
      const arn = iam.policyArnFor(accountId, name);
      const holders = (await iam.listPolicyHolders(accountId, arn)) ?? [];
      return { name, arn, holders: new Set(holders.map(holderKey)) };
    }),
  );
  return {
    policyNames,
    complete: async (principal) => {
      const result: PrincipalAttachments = { attached: [], missing: [] };
      // In attachment order: a principal one slot short keeps the first policies, not the last.
      for (const policy of policies) {
        if (policy.holders.has(holderKey(principal))) continue;
        const outcome = await attachUnlessGone(ctx, accountId, principal, policy.arn);
        if (outcome === 'gone') return result;
        if (outcome === 'attached') {
          policy.holders.add(holderKey(principal));
          result.attached.push(policy.name);
        } else result.missing.push(policy.name);
      }
      return result;
    },
  };
}

/** A principal deleted since it was listed is no failure: there is nothing left to bound. */
async function attachUnlessGone(
  ctx: FlowContext,
  accountId: string,
  principal: PrincipalRef,
  policyArn: string,
): Promise<AttachOutcome | 'gone'> {
  try {
    return await ctx.ports.iam.attachPolicy(accountId, principal, policyArn);
  } catch (error) {
    if ((await ctx.ports.iam.readPrincipal(accountId, principal)) === undefined) return 'gone';
    throw error;
  }
}

export interface AttachAllResult {
  /** Principals that received at least one policy now. */
  attached: number;
  short: PrincipalShortOfPolicies[];
}

/**
 * The named policies onto every principal that is not exempt, without reading the principals one
 * by one: for policies just created, before statements leave the policies they used to be in.
 */
export async function attachToEveryBoundedPrincipal(
  ctx: FlowContext,
  accountId: string,
  policyNames: readonly string[],
): Promise<AttachAllResult> {
  const result: AttachAllResult = { attached: 0, short: [] };
  if (policyNames.length === 0) return result;
  const params = boundaryParametersFor(ctx.settings, accountId);
  const principals = (await ctx.ports.iam.listPrincipals(accountId)).filter(
    (principal) => !isExemptPrincipal(principal, params),
  );
  const attachments = await additionalAttachments(ctx, accountId, policyNames);
  const outcomes = await mapSettled(
    principals,
    ctx.principalConcurrency ?? DEFAULT_PRINCIPAL_CONCURRENCY,
    (principal) => attachments.complete(principal),
  );
  outcomes.forEach((outcome, index) => {
    const principal = principals[index] as Principal;
    if (!outcome.ok) {
      throw new AwsStepError(
        'attach-additional-policies',
        outcome.error,
        `${principal.arn}: ${errorText(outcome.error)}`,
      );
    }
    if (outcome.value.attached.length > 0) result.attached++;
    if (outcome.value.missing.length > 0)
      result.short.push({ principalArn: principal.arn, missing: outcome.value.missing });
  });
  return result;
}
