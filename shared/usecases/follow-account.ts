/**
 * One account brought in line with where Organizations places it now: moved accounts are
 * recompiled for their new path, departed and closed ones closed out, arriving ones enrolled when
 * the arrival settings say so. Events only say which account to look at; what is done follows from
 * Organizations' answer now, so duplicate, late and out-of-order events change nothing more.
 */
import type { ArrivalSettings } from '#shared/config.ts';
import { codeOf, type ErrorCode, errorText } from '#shared/errors.ts';
import { closeOut } from './close-out.ts';
import type { PolicySnapshot } from './compile-account.ts';
import { deregisterAccount } from './deregister.ts';
import { enrollAccount } from './enroll.ts';
import type { FlowContext } from './flow-context.ts';
import { type Placement, placementOf, underTargets, unreachableReason } from './organization-membership.ts';
import type { AccountRecord } from './ports.ts';
import { sendNotice } from './report-failure.ts';
import { isStandalone } from './standalone-accounts.ts';
import { samePath, syncAccount } from './sync-account.ts';

export type FollowAction =
  | 'moved'
  | 'unchanged'
  | 'enrolled'
  | 'deregistered'
  | 'closed-out'
  | 'ignored'
  /** Not yet decidable (an enrollment in progress, an account still being created): deliver again later. */
  | 'retry-later'
  | 'failed';

export interface FollowResult {
  accountId: string;
  action: FollowAction;
  reason?: string;
  from?: string[];
  to?: string[];
  code?: ErrorCode;
}

const ARRIVALS_OFF: ArrivalSettings = { targets: [], movedOut: 'keep', createCloudTrail: false };

export async function followAccount(
  ctx: FlowContext,
  snapshot: PolicySnapshot,
  accountId: string,
): Promise<FollowResult> {
  const { securityAccountId, managementAccountId } = ctx.settings;
  if (accountId === securityAccountId || accountId === managementAccountId)
    return {
      accountId,
      action: 'ignored',
      reason: 'the security and management accounts are never enrolled',
    };
  const placement = await placementOf(ctx, accountId);
  const record = await ctx.ports.accounts.get(accountId);
  if (isStandalone(record))
    return {
      accountId,
      action: 'ignored',
      reason: 'a standalone account: its record places it, not Organizations',
    };
  if (!record) return arrive(ctx, accountId, placement);
  if (record.status === 'DEREGISTERING')
    return { accountId, action: 'ignored', reason: 'deregistration in progress' };
  if (placement.kind === 'arriving' || record.status === 'ENROLLING')
    return { accountId, action: 'retry-later', reason: 'enrollment or creation in progress' };
  if (placement.kind !== 'member') {
    const reason = unreachableReason(placement);
    const closed = await closeOut(ctx, accountId, reason);
    return { accountId, action: closed ? 'closed-out' : 'unchanged', reason };
  }
  if (record.status === 'UNREACHABLE') return comeBack(ctx, record, placement.ouPath);
  return followMember(ctx, snapshot, record, placement.ouPath);
}

async function followMember(
  ctx: FlowContext,
  snapshot: PolicySnapshot,
  record: AccountRecord,
  ouPath: string[],
): Promise<FollowResult> {
  const { accountId } = record;
  const arrivals = ctx.settings.arrivals ?? ARRIVALS_OFF;
  const moved = { from: record.ouPath, to: ouPath };
  if (
    record.enrolledBy === 'auto' &&
    arrivals.movedOut === 'deregister' &&
    !underTargets(ouPath, arrivals.targets)
  )
    return leave(ctx, record, ouPath);
  if (samePath(record.ouPath, ouPath)) return { accountId, action: 'unchanged' };
  const synced = await syncAccount(ctx, snapshot, accountId, { ouPath });
  if (synced.outcome === 'failed')
    return { accountId, action: 'failed', ...moved, ...(synced.code ? { code: synced.code } : {}) };
  if (synced.outcome === 'skipped')
    return { accountId, action: 'retry-later', ...moved, reason: synced.reason ?? 'skipped' };
  ctx.log.info('account moved', { accountId, ...moved, outcome: synced.outcome });
  return { accountId, action: 'moved', ...moved };
}

/** An account enrolled automatically left every auto-enroll target, and the settings say deregister. */
async function leave(ctx: FlowContext, record: AccountRecord, ouPath: string[]): Promise<FollowResult> {
  const { accountId } = record;
  try {
    await deregisterAccount(ctx, accountId);
  } catch (error) {
    return { accountId, action: 'failed', code: codeOf(error), reason: errorText(error) };
  }
  await sendNotice(ctx, {
    code: 'ACCOUNT_AUTO_DEREGISTERED',
    step: 'follow-organization',
    accountId,
    reason: `account ${accountId} moved to ${ouPath.join(' → ')}, outside the auto-enroll OUs; its boundary was removed`,
  });
  return { accountId, action: 'deregistered', from: record.ouPath, to: ouPath };
}

/** No record: an arrival in an auto-enroll target is enrolled, anything else is none of ours. */
async function arrive(ctx: FlowContext, accountId: string, placement: Placement): Promise<FollowResult> {
  const { targets, createCloudTrail } = ctx.settings.arrivals ?? ARRIVALS_OFF;
  if (targets.length === 0) return { accountId, action: 'ignored', reason: 'not enrolled' };
  if (placement.kind === 'arriving')
    return { accountId, action: 'retry-later', reason: 'still being created (PENDING_ACTIVATION)' };
  if (placement.kind !== 'member' || !underTargets(placement.ouPath, targets))
    return { accountId, action: 'ignored', reason: 'not enrolled, and not in an auto-enroll OU' };
  const { ouPath } = placement;
  try {
    await enrollAccount(ctx, {
      accountId,
      ouId: ouPath[ouPath.length - 1] ?? '',
      createCloudTrail,
      enrolledBy: 'auto',
    });
  } catch (error) {
    // Another event enrolled it meanwhile, perhaps from before this move: follow that enrollment.
    if (codeOf(error) === 'ALREADY_ENROLLED')
      return { accountId, action: 'retry-later', reason: 'enrolled meanwhile' };
    return { accountId, action: 'failed', code: codeOf(error), reason: errorText(error) };
  }
  await sendNotice(ctx, {
    code: 'ACCOUNT_AUTO_ENROLLED',
    step: 'follow-organization',
    accountId,
    reason: `account ${accountId} arrived under ${ouPath.join(' → ')} and was enrolled automatically`,
  });
  return { accountId, action: 'enrolled', to: ouPath };
}

/** An account closed out earlier is an active member again (re-invited, reopened): enroll it again. */
async function comeBack(ctx: FlowContext, record: AccountRecord, ouPath: string[]): Promise<FollowResult> {
  const { accountId } = record;
  try {
    await enrollAccount(ctx, {
      accountId,
      ouId: ouPath[ouPath.length - 1] ?? record.ouId,
      createCloudTrail: record.createCloudTrail,
      enrolledBy: record.enrolledBy,
      replaceExisting: true,
    });
    return { accountId, action: 'enrolled', from: record.ouPath, to: ouPath, reason: 'reachable again' };
  } catch (error) {
    return { accountId, action: 'failed', code: codeOf(error), reason: errorText(error) };
  }
}
