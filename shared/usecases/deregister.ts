import { additionalPolicyNames } from '#policy/index.ts';
import { codeOf, errorText, inStep, stepOf } from '#shared/errors.ts';
import { markFailed, updateAccountRecord } from './account-records.ts';
import { boundaryNameIn, removeAdditionalPolicies } from './compiled-policies.ts';
import { derivedPolicyNameIn } from './derived-policies.ts';
import type { FlowContext } from './flow-context.ts';
import type { AccountRecord } from './ports.ts';
import { detachBoundaryFromAllPrincipals } from './principal-sweep.ts';
import { reportFailure } from './report-failure.ts';

export interface DeregisterResult {
  accountId: string;
  /** False when there was nothing to do (reserved account never enrolled). */
  removed: boolean;
  detached: number;
  /** Additional policies detached from every holder and deleted. */
  additionalPoliciesRemoved: string[];
}

/**
 * The additional policies the record names, and every name this deployment could have used: a run
 * that died before writing the record may have created some.
 */
function additionalPolicyCandidates(ctx: FlowContext, accountId: string, record: AccountRecord | undefined) {
  const recorded = record?.additionalPolicies.map((extra) => extra.name) ?? [];
  const possible = additionalPolicyNames(
    boundaryNameIn(ctx, accountId),
    Math.max(ctx.settings.maxAdditionalPolicies, recorded.length),
  );
  return [...new Set([...recorded, ...possible])];
}

/** Derived policies first (their principals got the customer's boundary back), then ours. */
async function deleteOurPolicies(ctx: FlowContext, accountId: string, customers: string[]): Promise<void> {
  const { iam } = ctx.ports;
  for (const customer of customers) {
    await iam.deleteBoundaryPolicy(accountId, derivedPolicyNameIn(ctx, accountId, customer));
  }
  await iam.deleteBoundaryPolicy(accountId);
}

/**
 * Removes everything enrollment created: our boundary from every principal, the additional
 * policies, the policy, the event forwarding and the record. Works without any policy file and without a record, so a failed or
 * half-finished enrollment can always be cleaned up.
 */
export async function deregisterAccount(ctx: FlowContext, accountId: string): Promise<DeregisterResult> {
  const { securityAccountId, managementAccountId } = ctx.settings;
  if (accountId === securityAccountId || accountId === managementAccountId) {
    return { accountId, removed: false, detached: 0, additionalPoliciesRemoved: [] };
  }
  try {
    const record = await updateAccountRecord(ctx, accountId, (current) =>
      current ? { ...current, status: 'DEREGISTERING' } : undefined,
    );
    const policyArn = ctx.ports.iam.policyArnFor(accountId);
    const customers = record?.customerBoundaryArns ?? [];
    const detached = await inStep('detach-boundaries', () =>
      detachBoundaryFromAllPrincipals(ctx, accountId, policyArn, customers),
    );
    const additionalPoliciesRemoved = await inStep('remove-additional-policies', () =>
      removeAdditionalPolicies(ctx, accountId, additionalPolicyCandidates(ctx, accountId, record)),
    );
    await inStep('delete-policy', () => deleteOurPolicies(ctx, accountId, customers));
    // Without a record we cannot know whether we created the trail; removing ours is harmless.
    const createCloudTrail = record?.createCloudTrail ?? true;
    await inStep('remove-forwarding', () =>
      ctx.ports.forwarding.removeForwarding(accountId, { createCloudTrail }),
    );
    await inStep('delete-record', () => ctx.ports.accounts.delete(accountId));
    ctx.log.info('account deregistered', { accountId, detached, additionalPoliciesRemoved });
    return { accountId, removed: true, detached, additionalPoliciesRemoved };
  } catch (error) {
    await markFailed(ctx, accountId, `${codeOf(error)}: ${errorText(error)}`);
    await reportFailure(ctx, error, { step: stepOf(error, 'deregister'), accountId });
    throw error;
  }
}
