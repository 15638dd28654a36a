import { additionalPolicyNames } from '#policy/index.ts';
import { AccountRefusedError, codeOf, errorText, inStep, stepOf } from '#shared/errors.ts';
import { markFailed, updateAccountRecord } from './account-records.ts';
import { leftInAccount } from './close-out.ts';
import { boundaryNameIn, removeAdditionalPolicies } from './compiled-policies.ts';
import { derivedPolicyNameIn } from './derived-policies.ts';
import { type FlowContext, isEnrollableManagementAccount } from './flow-context.ts';
import type { AccountRecord } from './ports.ts';
import { detachBoundaryFromAllPrincipals } from './principal-sweep.ts';
import { reportFailure, sendNotice } from './report-failure.ts';

export interface DeregisterResult {
  accountId: string;
  /** False when there was nothing to do (reserved account never enrolled). */
  removed: boolean;
  detached: number;
  /** Additional policies detached from every holder and deleted. */
  additionalPoliciesRemoved: string[];
  /** With `force`, when the account could not be cleaned: what may still be in it, and why. */
  leftBehind?: { items: string[]; reason: string };
}

export interface DeregisterOptions {
  /**
   * Remove the record even when the account cannot be reached (closed, left the organization,
   * role gone); what could not be cleaned up is returned and notified instead of failing.
   */
  force?: boolean;
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
export async function deregisterAccount(
  ctx: FlowContext,
  accountId: string,
  options: DeregisterOptions = {},
): Promise<DeregisterResult> {
  const { securityAccountId, managementAccountId } = ctx.settings;
  const reserved =
    accountId === securityAccountId ||
    (accountId === managementAccountId && !isEnrollableManagementAccount(ctx.settings, accountId));
  if (reserved) {
    return { accountId, removed: false, detached: 0, additionalPoliciesRemoved: [] };
  }
  let record: AccountRecord | undefined;
  try {
    record = await updateAccountRecord(ctx, accountId, (current) => {
      // Nothing can be cleaned up in it, and a FAILED record would be retried: only --force removes it.
      if (current?.status === 'UNREACHABLE' && !options.force)
        throw new AccountRefusedError(
          accountId,
          `is UNREACHABLE (${current.lastError ?? 'unreachable'}); \`scp-alt deregister --force\` removes its record and lists what is left in it`,
        );
      return current ? { ...current, status: 'DEREGISTERING' } : undefined;
    });
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
    const step = stepOf(error, 'deregister');
    if (error instanceof AccountRefusedError) {
      await reportFailure(ctx, error, { step, accountId });
      throw error;
    }
    if (options.force && step !== 'delete-record') return forgetAccount(ctx, accountId, record, error);
    await markFailed(ctx, accountId, `${codeOf(error)}: ${errorText(error)}`);
    await reportFailure(ctx, error, { step, accountId });
    throw error;
  }
}

/** `--force`: the record goes although the account could not be cleaned up; one notice says what is left. */
async function forgetAccount(
  ctx: FlowContext,
  accountId: string,
  record: AccountRecord | undefined,
  error: unknown,
): Promise<DeregisterResult> {
  const reason = `${stepOf(error, 'deregister')} failed: ${errorText(error)}`;
  const items = leftInAccount(ctx, {
    accountId,
    customerBoundaryArns: record?.customerBoundaryArns ?? [],
    additionalPolicies: record?.additionalPolicies ?? [],
    // Without a record we cannot know whether enrollment created a trail: name it to be safe.
    createCloudTrail: record?.createCloudTrail ?? true,
  });
  await inStep('delete-record', () => ctx.ports.accounts.delete(accountId));
  ctx.log.info('account record removed without cleaning up the account', { accountId, reason });
  await sendNotice(ctx, {
    code: 'CLEANUP_INCOMPLETE',
    step: 'deregister',
    accountId,
    reason: `record of account ${accountId} removed (--force); the account itself could not be cleaned up: ${reason}`,
    details: items.map((item) => `may still be in the account: ${item}`),
  });
  return {
    accountId,
    removed: true,
    detached: 0,
    additionalPoliciesRemoved: [],
    leftBehind: { items, reason },
  };
}
