/**
 * One writer at a time per account, and never an older policy listing over a newer one.
 *
 * IAM has no conditional write: two invocations that compile an account from different listings of
 * the policy store could both write, and the older content could land last. So before writing the
 * policy an invocation takes the account's write lease (a conditional save of its record), and
 * gives it back with the final save of the record, together with when the listing it compiled from
 * was taken. A writer whose listing is older than the applied one has nothing to write: S3 listings
 * are strongly consistent, so the later listing saw every upload the earlier one saw.
 */
import { randomUUID } from 'node:crypto';
import { realSleep } from '#runtime/retry.ts';
import { errorText, RecordConflictError, WriteLeaseBusyError } from '#shared/errors.ts';
import { updateAccountRecord } from './account-records.ts';
import { type FlowContext, nowIso } from './flow-context.ts';
import type { AccountRecord } from './ports.ts';

/** How long a lease protects a write; a holder that died frees the account after this. */
export const WRITE_LEASE_MS = 120_000;
const POLL_MS = 500;
/** Conflicting saves in a row before the claim gives up (RecordConflictError, a transient failure). */
const CLAIM_CONFLICTS = 4;

export interface WriteLeaseRequest {
  /** Identifies this invocation's work on the account; a retry of it reuses the lease. */
  owner: string;
  /** PolicySnapshot.listedAtMs() of the listing the policy was compiled from. */
  listedAtMs: number;
  /** Whether the record as it is now still needs this write (e.g. its hash differs). */
  stillNeeded: (record: AccountRecord) => boolean;
}

export type LeaseOutcome =
  | { held: true; record: AccountRecord }
  | { held: false; reason: 'superseded' | 'not needed' | 'not enrolled'; record?: AccountRecord };

export const newLeaseOwner = (): string => `lease-${randomUUID()}`;

/**
 * Takes the write lease of the account whose record was just read. Waits (polling) while another
 * owner holds it, until it is released or expires, or the invocation's deadline is reached (then
 * WriteLeaseBusyError, a transient failure the account retry and replay deal with).
 */
export async function acquireWriteLease(
  ctx: FlowContext,
  first: AccountRecord,
  request: WriteLeaseRequest,
): Promise<LeaseOutcome> {
  const sleep = ctx.retry?.sleep ?? realSleep;
  const now = () => ctx.now().getTime();
  const giveUpAt = now() + WRITE_LEASE_MS + POLL_MS;
  let conflicts = 0;
  let record: AccountRecord | undefined = first;
  while (record) {
    if ((record.appliedListedAtMs ?? 0) > request.listedAtMs)
      return { held: false, reason: 'superseded', record };
    if (!request.stillNeeded(record)) return { held: false, reason: 'not needed', record };
    const lease = record.writeLease;
    if (lease && lease.owner !== request.owner && lease.untilMs > now()) {
      if (now() >= giveUpAt || ctx.deadline?.reached())
        throw new WriteLeaseBusyError(record.accountId, lease.owner);
      ctx.log.info('waiting for the write lease', { accountId: record.accountId, owner: lease.owner });
      await sleep(Math.min(POLL_MS, Math.max(0, lease.untilMs - now())));
      record = await ctx.ports.accounts.get(record.accountId);
      continue;
    }
    try {
      const leased = { ...record, writeLease: { owner: request.owner, untilMs: now() + WRITE_LEASE_MS } };
      return {
        held: true,
        record: await ctx.ports.accounts.save({ ...leased, updatedAt: nowIso(ctx) }, record.revision),
      };
    } catch (error) {
      if (!(error instanceof RecordConflictError) || ++conflicts >= CLAIM_CONFLICTS) throw error;
      record = await ctx.ports.accounts.get(record.accountId);
    }
  }
  return { held: false, reason: 'not enrolled' };
}

/** The record as the lease holder leaves it: lease given back (if still ours), listing recorded. */
export function releasedRecord(record: AccountRecord, owner: string, listedAtMs: number): AccountRecord {
  return {
    ...record,
    writeLease: record.writeLease?.owner === owner ? undefined : record.writeLease,
    appliedListedAtMs: Math.max(record.appliedListedAtMs ?? 0, listedAtMs),
  };
}

export type LeasedWork<T> = { held: true; value: T } | Extract<LeaseOutcome, { held: false }>;

/**
 * Takes the lease (acquireWriteLease) and runs `work` with the leased record; when `work` fails the
 * lease is given back before the error goes on, so a retry or the next writer need not wait it out.
 * `work` gives the lease back itself on success, with its final save (releasedRecord).
 */
export async function withWriteLease<T>(
  ctx: FlowContext,
  first: AccountRecord,
  request: WriteLeaseRequest,
  work: (leased: AccountRecord) => Promise<T>,
): Promise<LeasedWork<T>> {
  const lease = await acquireWriteLease(ctx, first, request);
  if (!lease.held) return lease;
  try {
    return { held: true, value: await work(lease.record) };
  } catch (error) {
    await giveBackLease(ctx, first.accountId, request.owner);
    throw error;
  }
}

/** Best effort, on a failure path: a lease not given back expires by itself. */
async function giveBackLease(ctx: FlowContext, accountId: string, owner: string): Promise<void> {
  try {
    await updateAccountRecord(ctx, accountId, (current) =>
      current?.writeLease?.owner === owner ? { ...current, writeLease: undefined } : undefined,
    );
  } catch (error) {
    ctx.log.warn('could not give back the write lease', { accountId, error: errorText(error) });
  }
}
