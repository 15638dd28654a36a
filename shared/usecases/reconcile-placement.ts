/**
 * The reconciler's first step for each account: bring the record to where Organizations places the
 * account now. A stale path is repaired (boundary recompiled under the write lease), a departed or
 * closed account closed out (its one notice), an UNREACHABLE one looked at again only when
 * Organizations lists it active, with one read that makes no change.
 */
import { iamRoleArn } from '#policy/arn.ts';
import { refusedRoleArn } from '#shared/errors.ts';
import { inEnrollmentOrDeregistration, updateAccountRecord } from './account-records.ts';
import { closeOut } from './close-out.ts';
import type { PolicySnapshot } from './compile-account.ts';
import { accessRoleNameFor, type FlowContext, isStandaloneAccount } from './flow-context.ts';
import { type Placement, unreachableReason } from './organization-membership.ts';
import type { AccountDrift } from './reconcile-account.ts';
import { isStandalone } from './standalone-accounts.ts';
import { samePath, syncAccount } from './sync-account.ts';

export interface Followed {
  /** True when the account must not be repaired in this run (gone, closed, unreachable, or failed). */
  stop: boolean;
  drift: Partial<AccountDrift>;
}

export async function followPlacement(
  ctx: FlowContext,
  snapshot: PolicySnapshot,
  accountId: string,
  placement: Placement | undefined,
): Promise<Followed> {
  const record = await ctx.ports.accounts.get(accountId);
  if (!record) return { stop: true, drift: {} };
  // Organizations never places a standalone account: its record does, and it never departs.
  if (isStandalone(record)) placement = { kind: 'member', ouPath: record.ouPath };
  const unreachable = record.lastError ?? 'unreachable';
  // Without the tree (it could not be read) the record's path stands, as before this step existed.
  if (!placement)
    return record.status === 'UNREACHABLE'
      ? { stop: true, drift: { unreachable } }
      : { stop: false, drift: {} };
  if (placement.kind === 'arriving') return { stop: true, drift: {} };
  if (placement.kind !== 'member') {
    const reason = unreachableReason(placement);
    await closeOut(ctx, accountId, reason);
    return { stop: true, drift: { unreachable: reason } };
  }
  const drift: Partial<AccountDrift> = {};
  if (record.status === 'UNREACHABLE') {
    if (!(await reachable(ctx, accountId))) return { stop: true, drift: { unreachable } };
    await updateAccountRecord(ctx, accountId, (current) =>
      current?.status === 'UNREACHABLE'
        ? { ...current, status: 'FAILED', lastError: 'reachable again: repairing' }
        : undefined,
    );
    drift.reachableAgain = true;
  }
  if (samePath(record.ouPath, placement.ouPath) || inEnrollmentOrDeregistration(record))
    return { stop: false, drift };
  const synced = await syncAccount(ctx, snapshot, accountId, { ouPath: placement.ouPath });
  if (synced.outcome === 'failed')
    return { stop: true, drift: { ...drift, problems: [`${synced.code}: ${synced.reason ?? ''}`] } };
  if (synced.outcome !== 'skipped') drift.moved = { from: record.ouPath, to: placement.ouPath };
  return { stop: false, drift };
}

/**
 * When `error` is the organization access role of this account refusing AssumeRole (deleted, or
 * no longer trusting the management role): the account is unreachable, not failing.
 */
export function memberRoleRefused(
  ctx: FlowContext,
  accountId: string,
  error: unknown,
): { closeOut: () => Promise<Partial<AccountDrift>> } | undefined {
  const memberRole = iamRoleArn(
    ctx.settings.partition,
    accountId,
    accessRoleNameFor(ctx.settings, accountId),
  );
  if (refusedRoleArn(error) !== memberRole) return undefined;
  const reason = isStandaloneAccount(ctx.settings, accountId)
    ? `unreachable: ${memberRole} refused AssumeRole (the standalone access role is missing, or no longer trusts scp-alt's functions with the registered external id)`
    : `unreachable: ${memberRole} refused AssumeRole (the organization access role is missing or no longer trusts the management role)`;
  return {
    closeOut: async () => {
      await closeOut(ctx, accountId, reason);
      return { unreachable: reason };
    },
  };
}

/** One read in the account: whether its organization access role lets us in again. */
async function reachable(ctx: FlowContext, accountId: string): Promise<boolean> {
  try {
    await ctx.ports.iam.readBoundaryPolicy(accountId);
    return true;
  } catch (error) {
    if (memberRoleRefused(ctx, accountId, error)) return false;
    throw error;
  }
}
