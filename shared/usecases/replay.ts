/**
 * Re-drives accounts a run left FAILED (an error, or "deadline reached" before they were started).
 * An account whose enrollment never finished (no policy version recorded: forwarding may be
 * missing too) is enrolled again; any other is re-synced from the current bucket contents,
 * writing even if the recorded hash matches. Used by the reconciler ({ replay: {...} } event) and
 * the operator CLI.
 */

import { codeOf, type ErrorCode, errorText } from '#shared/errors.ts';
import { type PolicySnapshot, policySnapshot } from './compile-account.ts';
import { enrollAccount } from './enroll.ts';
import { fanOutAccounts } from './fan-out.ts';
import type { FlowContext } from './flow-context.ts';
import type { AccountRecord } from './ports.ts';
import { syncAccount } from './sync-account.ts';

export type ReplayOutcome = 're-enrolled' | 'updated' | 'unchanged' | 'skipped' | 'failed';

export interface ReplayResult {
  accountId: string;
  action: 'enroll' | 'sync' | 'none';
  outcome: ReplayOutcome;
  code?: ErrorCode;
  reason?: string;
}

export interface ReplayRequest {
  /** Replay exactly this account, whatever its status; default: every FAILED account. */
  accountId?: string;
  /**
   * Enroll again an account whose enrollment never finished (default true). The reconciler passes
   * false: its role may not set up event forwarding or read the OU chain.
   */
  reEnroll?: boolean;
}

export async function replayFailedAccounts(
  ctx: FlowContext,
  request: ReplayRequest = {},
): Promise<ReplayResult[]> {
  const records = await recordsToReplay(ctx, request);
  if (request.accountId && records.length === 0) {
    return [{ accountId: request.accountId, action: 'none', outcome: 'failed', reason: 'not enrolled' }];
  }
  const byId = new Map(records.map((record) => [record.accountId, record]));
  // One snapshot for the whole run: each file is read once however many accounts it reaches.
  const snapshot = policySnapshot(ctx.ports.policyStore, ctx.now);
  return fanOutAccounts(
    ctx,
    records.map((record) => record.accountId),
    (accountId) => replayOne(ctx, snapshot, byId.get(accountId) as AccountRecord, request.reEnroll ?? true),
    (accountId, error): ReplayResult => ({
      accountId,
      action: 'none',
      outcome: 'failed',
      code: codeOf(error),
      reason: errorText(error),
    }),
    { step: 'replay' },
  );
}

async function recordsToReplay(ctx: FlowContext, request: ReplayRequest): Promise<AccountRecord[]> {
  if (request.accountId) {
    const record = await ctx.ports.accounts.get(request.accountId);
    return record && record.status !== 'DEREGISTERING' ? [record] : [];
  }
  const all = await ctx.ports.accounts.listAll();
  return all
    .filter((record) => record.status === 'FAILED')
    .sort((a, b) => a.accountId.localeCompare(b.accountId));
}

/** Never finished, or died mid-way through an enrollment or update (still ENROLLING). */
export function enrollmentUnfinished(record: AccountRecord): boolean {
  return record.boundaryVersionId === undefined || record.status === 'ENROLLING';
}

async function replayOne(
  ctx: FlowContext,
  snapshot: PolicySnapshot,
  record: AccountRecord,
  reEnroll: boolean,
): Promise<ReplayResult> {
  const { accountId } = record;
  // An account closed out as unreachable is enrolled again from scratch once it can be reached.
  const enrollAgain = enrollmentUnfinished(record) || record.status === 'UNREACHABLE';
  if (enrollAgain && !reEnroll) {
    const reason =
      record.status === 'UNREACHABLE'
        ? 'unreachable: run `scp-alt replay --account` once it can be reached'
        : 'enrollment unfinished: run `scp-alt replay` or update the provisioned product';
    return { accountId, action: 'none', outcome: 'skipped', reason };
  }
  if (enrollAgain) {
    try {
      await enrollAccount(ctx, {
        accountId,
        ouId: record.ouId,
        createCloudTrail: record.createCloudTrail,
        replaceExisting: true,
        ...(record.protectedTrails ? { protectedTrails: record.protectedTrails } : {}),
        ...(record.stackId ? { stackId: record.stackId } : {}),
        enrolledBy: record.enrolledBy,
      });
      return { accountId, action: 'enroll', outcome: 're-enrolled' };
    } catch (error) {
      return {
        accountId,
        action: 'enroll',
        outcome: 'failed',
        code: codeOf(error),
        reason: errorText(error),
      };
    }
  }
  const synced = await syncAccount(ctx, snapshot, accountId, { force: true });
  const result: ReplayResult = { accountId, action: 'sync', outcome: synced.outcome };
  if (synced.code) result.code = synced.code;
  if (synced.reason) result.reason = synced.reason;
  return result;
}
