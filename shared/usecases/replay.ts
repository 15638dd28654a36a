/**
 * Re-drives accounts a run left FAILED (an error, or "deadline reached" before they were started)
 * and the messages the account work queue gave up on (its dead-letter queue).
 * An account whose enrollment never finished (no policy version recorded: forwarding may be
 * missing too) is enrolled again; any other is re-synced from the current bucket contents,
 * writing even if the recorded hash matches. Used by the reconciler ({ replay: {...} } event) and
 * the operator CLI.
 */

import { codeOf, type ErrorCode, errorText, inStep } from '#shared/errors.ts';
import { type PolicySnapshot, policySnapshot } from './compile-account.ts';
import { enrollAccount } from './enroll.ts';
import { fanOutAccounts } from './fan-out.ts';
import type { FlowContext } from './flow-context.ts';
import type { AccountRecord, DeadLetter } from './ports.ts';
import { queueLargeFanOut } from './queue-fan-out.ts';
import { sendNotice } from './report-failure.ts';
import { syncAccount } from './sync-account.ts';

export type ReplayOutcome = 're-enrolled' | 'updated' | 'unchanged' | 'skipped' | 'failed' | 'queued';

export interface ReplayResult {
  accountId: string;
  /** 'queue': handed to the account worker (a replay larger than one worker batch). */
  action: 'enroll' | 'sync' | 'queue' | 'none';
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

/**
 * Replays FAILED accounts and, without an account named, the account work queue's dead letters:
 * their accounts are replayed with the FAILED ones, and the letters deleted once the replay has run
 * (an account that fails again is FAILED again, so nothing is lost with its letter). A replay
 * larger than one worker batch is queued for the account worker, like a policy change.
 */
export async function replayFailedAccounts(
  ctx: FlowContext,
  request: ReplayRequest = {},
): Promise<ReplayResult[]> {
  const letters = request.accountId ? [] : await takeDeadLetters(ctx);
  const records = await recordsToReplay(ctx, request, letters);
  if (request.accountId && records.length === 0) {
    return [{ accountId: request.accountId, action: 'none', outcome: 'failed', reason: 'not enrolled' }];
  }
  const results = await replayRecords(ctx, records, request);
  if (letters.length > 0) await ctx.ports.accountWork?.deleteDeadLetters(letters);
  return results;
}

async function replayRecords(
  ctx: FlowContext,
  records: AccountRecord[],
  request: ReplayRequest,
): Promise<ReplayResult[]> {
  const reEnroll = request.reEnroll ?? true;
  // Enrollment is never queued: the worker only syncs.
  const items = records
    .filter((record) => !needsEnrollment(record))
    .map((record) => ({ accountId: record.accountId, reason: 'replay' as const }));
  if (!(await queueLargeFanOut(ctx, items))) return replayInline(ctx, records, reEnroll);
  const queued = items.map(
    ({ accountId }): ReplayResult => ({ accountId, action: 'queue', outcome: 'queued' }),
  );
  return [...queued, ...(await replayInline(ctx, records.filter(needsEnrollment), reEnroll))];
}

async function replayInline(
  ctx: FlowContext,
  records: AccountRecord[],
  reEnroll: boolean,
): Promise<ReplayResult[]> {
  if (records.length === 0) return [];
  const byId = new Map(records.map((record) => [record.accountId, record]));
  // One snapshot for the whole run: each file is read once however many accounts it reaches.
  const snapshot = policySnapshot(ctx.ports.policyStore, ctx.now);
  return fanOutAccounts(
    ctx,
    records.map((record) => record.accountId),
    (accountId) => replayOne(ctx, snapshot, byId.get(accountId) as AccountRecord, reEnroll),
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

/** Dead letters of the account work queue, at most one replay's worth; garbage is reported once. */
async function takeDeadLetters(ctx: FlowContext): Promise<DeadLetter[]> {
  const queue = ctx.ports.accountWork;
  if (!queue) return [];
  const letters = await inStep('read-dead-letters', () => queue.receiveDeadLetters(MAX_DEAD_LETTERS));
  const garbage = letters.filter((letter) => !letter.item);
  if (garbage.length > 0)
    await sendNotice(ctx, {
      code: 'INPUT_REJECTED',
      step: 'replay: read dead letters',
      reason: `${garbage.length} dead letter(s) of the account work queue name no account; deleted`,
      details: garbage.map((letter) => letter.body.slice(0, 80)),
    });
  if (letters.length > 0) ctx.log.info('dead letters replayed', { letters: letters.length });
  return letters;
}

/** Dead letters taken by one replay; more are left for the next. */
const MAX_DEAD_LETTERS = 1_000;

async function recordsToReplay(
  ctx: FlowContext,
  request: ReplayRequest,
  letters: readonly DeadLetter[],
): Promise<AccountRecord[]> {
  if (request.accountId) {
    const record = await ctx.ports.accounts.get(request.accountId);
    return record && record.status !== 'DEREGISTERING' ? [record] : [];
  }
  const dead = new Set(letters.flatMap((letter) => (letter.item ? [letter.item.accountId] : [])));
  const all = await ctx.ports.accounts.listAll();
  return all
    .filter(
      (record) =>
        record.status === 'FAILED' || (dead.has(record.accountId) && record.status !== 'DEREGISTERING'),
    )
    .sort((a, b) => a.accountId.localeCompare(b.accountId));
}

/** Never finished, or died mid-way through an enrollment or update (still ENROLLING). */
export function enrollmentUnfinished(record: AccountRecord): boolean {
  return record.boundaryVersionId === undefined || record.status === 'ENROLLING';
}

/** An account closed out as unreachable is enrolled again from scratch once it can be reached. */
function needsEnrollment(record: AccountRecord): boolean {
  return enrollmentUnfinished(record) || record.status === 'UNREACHABLE';
}

async function replayOne(
  ctx: FlowContext,
  snapshot: PolicySnapshot,
  record: AccountRecord,
  reEnroll: boolean,
): Promise<ReplayResult> {
  const { accountId } = record;
  const enrollAgain = needsEnrollment(record);
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
