/**
 * A path that enrolled an account lets go of it (a Service Catalog Delete, or an Update that names
 * another account). Only the owner's own release deregisters: an enrollment made by another path
 * is left as it is, and one in an auto-enroll OU is handed to the automatic path instead, so the
 * account stays governed as the arrival settings promise.
 */
import { errorText } from '#shared/errors.ts';
import { updateAccountRecord } from './account-records.ts';
import { deregisterAccount } from './deregister.ts';
import type { FlowContext } from './flow-context.ts';
import { placementOf, underTargets } from './organization-membership.ts';
import type { EnrollmentOwner } from './ports.ts';

export type ReleaseOutcome =
  | { action: 'deregistered'; detached: number }
  | { action: 'kept'; reason: string }
  | { action: 'handed-to-auto'; reason: string };

export async function releaseEnrollment(
  ctx: FlowContext,
  accountId: string,
  owner: EnrollmentOwner,
): Promise<ReleaseOutcome> {
  const record = await ctx.ports.accounts.get(accountId);
  if (record && record.enrolledBy !== owner)
    return { action: 'kept', reason: `enrolled by ${record.enrolledBy}, not by ${owner}: left enrolled` };
  if (record && (await inAutoEnrollTarget(ctx, accountId))) {
    await updateAccountRecord(ctx, accountId, (current) =>
      current?.enrolledBy === owner ? { ...current, enrolledBy: 'auto' } : undefined,
    );
    const reason = 'in an auto-enroll OU: the enrollment now belongs to the automatic path';
    ctx.log.info('enrollment handed to the automatic path', { accountId, from: owner });
    return { action: 'handed-to-auto', reason };
  }
  // Released, and out of reach: the record goes, and one notice says what is left in the account.
  const result = await deregisterAccount(ctx, accountId, { force: record?.status === 'UNREACHABLE' });
  return { action: 'deregistered', detached: result.detached };
}

/** When Organizations cannot be asked, the release deregisters, as it did before arrivals existed. */
async function inAutoEnrollTarget(ctx: FlowContext, accountId: string): Promise<boolean> {
  const targets = ctx.settings.arrivals?.targets ?? [];
  if (targets.length === 0) return false;
  try {
    const placement = await placementOf(ctx, accountId);
    return placement.kind === 'member' && underTargets(placement.ouPath, targets);
  } catch (error) {
    ctx.log.warn('could not tell whether the account is in an auto-enroll OU', {
      accountId,
      error: errorText(error),
    });
    return false;
  }
}
