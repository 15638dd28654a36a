import { isTransientFailure } from '#runtime/aws-errors.ts';
import { AttachmentQuotaError, codeOf, type ErrorCode, errorText, inStep, stepOf } from '#shared/errors.ts';
import { inEnrollmentOrDeregistration, markFailed, updateAccountRecord } from './account-records.ts';
import { withAccountRetries } from './account-retry.ts';
import {
  type AccountCompilation,
  compileForAccount,
  type PolicySnapshot,
  policySnapshot,
} from './compile-account.ts';
import {
  deployedFields,
  droppedAdditionalPolicies,
  removeAdditionalPolicies,
  shortOfPolicies,
  writeCompiledPolicies,
} from './compiled-policies.ts';
import type { FlowContext } from './flow-context.ts';
import type { AccountRecord } from './ports.ts';
import { attachBoundaryToAllPrincipals, customerBoundaryArns, sweepFailureError } from './principal-sweep.ts';
import { reportFailure } from './report-failure.ts';
import { type LeaseOutcome, newLeaseOwner, releasedRecord, withWriteLease } from './write-lease.ts';

export type AccountSyncOutcome = 'updated' | 'unchanged' | 'failed' | 'skipped';

export interface AccountSyncResult {
  accountId: string;
  outcome: AccountSyncOutcome;
  /** Files compiled in (key@etag), set when the boundary was recompiled. */
  fingerprint?: string;
  ouPath?: string[];
  versionId?: string;
  code?: ErrorCode;
  reason?: string;
  /** Set on a failure that says "try again later" (throttling, a busy lease): a queue delivers it again. */
  retryable?: true;
}

export interface SyncAccountOptions {
  /** Write even if the recorded hash matches (repair after tampering or a lost race). */
  force?: boolean;
  /** File that triggered the sync, named in failure notices. */
  file?: string;
  /**
   * Where Organizations places the account now (root first), when it differs from the record: the
   * boundary is compiled for it and the record's path replaced under the write lease.
   */
  ouPath?: string[];
}

/** Rounds of "the account moved while we compiled": each recompiles from the record's new path. */
const MOVED_MEANWHILE_ROUNDS = 3;

/**
 * Recompiles one enrolled account from the snapshot and applies the result: one new version of
 * each compiled policy whose content changed (additional policies created, attached or removed as
 * the chain needs), written under the account's write lease (write-lease.ts), then our boundary on
 * any principal missing it when a sweep is due (derived policies rebuilt). Transient failures are
 * retried with backoff. Never throws: the outcome (and the failure, recorded and notified) is
 * returned so a fan-out carries on.
 */
export async function syncAccount(
  ctx: FlowContext,
  snapshot: PolicySnapshot,
  accountId: string,
  options: SyncAccountOptions = {},
): Promise<AccountSyncResult> {
  // One owner for every attempt: a retry finds its own lease, not someone else's.
  const owner = newLeaseOwner();
  try {
    return await withAccountRetries(ctx, accountId, () =>
      applyToAccount(ctx, snapshot, accountId, owner, options),
    );
  } catch (error) {
    const reason = errorText(error);
    await markFailed(ctx, accountId, `${codeOf(error)}: ${reason}`);
    await reportFailure(ctx, error, {
      step: stepOf(error, 'sync'),
      accountId,
      ...(options.file ? { file: options.file } : {}),
    });
    return {
      accountId,
      outcome: 'failed',
      code: codeOf(error),
      reason,
      ...(isTransientFailure(error) ? { retryable: true as const } : {}),
    };
  }
}

type Compiled = Extract<AccountCompilation, { ok: true }>;
type ResultBase = Pick<AccountSyncResult, 'accountId' | 'fingerprint' | 'ouPath'>;

/** One attempt: compile, take the lease if a write is needed, write, record. Throws on failure. */
async function applyToAccount(
  ctx: FlowContext,
  snapshot: PolicySnapshot,
  accountId: string,
  owner: string,
  options: SyncAccountOptions,
): Promise<AccountSyncResult> {
  let policies = snapshot;
  for (let round = 1; ; round++) {
    const read = await ctx.ports.accounts.get(accountId);
    if (!read || !isSyncable(read)) {
      return { accountId, outcome: 'skipped', reason: read ? `status ${read.status}` : 'not enrolled' };
    }
    const ouPath = options.ouPath ?? read.ouPath;
    const compiled = await compileForAccount(ctx, policies, {
      accountId,
      ouPath,
      protectedTrails: read.protectedTrails,
    });
    // On a policy error the existing boundary stays: the stricter, known state.
    if (!compiled.ok) throw compiled.error;
    const base: ResultBase = { accountId, fingerprint: compiled.fingerprint, ouPath };
    // A boundary compiled for a path the record no longer holds is not ours to write: the mover's is.
    const movedMeanwhile = (record: AccountRecord) => !options.ouPath && !samePath(record.ouPath, ouPath);
    const needsWrite = (record: AccountRecord) =>
      isSyncable(record) &&
      !movedMeanwhile(record) &&
      (options.force === true ||
        record.status !== 'ACTIVE' ||
        record.compiledHash !== compiled.hash ||
        !samePath(record.ouPath, ouPath));
    if (!needsWrite(read)) return { ...base, outcome: 'unchanged' };
    const listedAtMs = await policies.listedAtMs();
    const outcome = await withWriteLease(
      ctx,
      read,
      { owner, listedAtMs, stillNeeded: needsWrite },
      (record) => writeAndRecord(ctx, record, compiled, { owner, listedAtMs, options, base }),
    );
    if (outcome.held) return outcome.value;
    const latest = outcome.record;
    if (latest && round < MOVED_MEANWHILE_ROUNDS) {
      if (movedMeanwhile(latest)) continue;
      // A newer listing was applied for the old path: the move still has to be made, from a newer one.
      if (outcome.reason === 'superseded' && !samePath(latest.ouPath, ouPath)) {
        policies = policySnapshot(ctx.ports.policyStore, ctx.now);
        continue;
      }
    }
    return notWritten(base, outcome);
  }
}

/** The record's place after a write compiled for `ouPath`: the OU it now sits in, when it moved. */
function movedTo(
  record: AccountRecord,
  ouPath: string[] | undefined,
): Pick<AccountRecord, 'ouPath' | 'ouId'> {
  if (!ouPath || samePath(record.ouPath, ouPath)) return { ouPath: record.ouPath, ouId: record.ouId };
  return { ouPath, ouId: ouPath[ouPath.length - 1] ?? record.ouId };
}

/** Enrollment or deregistration owns the account's policy; an unreachable account is left alone. */
const isSyncable = (record: AccountRecord): boolean =>
  !inEnrollmentOrDeregistration(record) && record.status !== 'UNREACHABLE';

export const samePath = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((id, index) => id === b[index]);

function notWritten(base: ResultBase, lease: Extract<LeaseOutcome, { held: false }>): AccountSyncResult {
  const { record } = lease;
  if (lease.reason === 'not needed' && record && !inEnrollmentOrDeregistration(record))
    return { ...base, outcome: 'unchanged' };
  const reason =
    lease.reason === 'superseded'
      ? 'a boundary compiled from a newer listing of the policy files is deployed'
      : record
        ? `status ${record.status}`
        : 'not enrolled';
  return { ...base, outcome: 'skipped', reason };
}

interface LeasedWrite {
  owner: string;
  listedAtMs: number;
  options: SyncAccountOptions;
  base: ResultBase;
}

/** Under the lease: the policy writes, the sweep when needed, the record saved with the lease given back. */
async function writeAndRecord(
  ctx: FlowContext,
  record: AccountRecord,
  compiled: Compiled,
  { owner, listedAtMs, options, base }: LeasedWrite,
): Promise<AccountSyncResult> {
  const { accountId } = record;
  // After a failed run or on an explicit repair the record's hashes are not trusted.
  const repair = options.force === true || record.status !== 'ACTIVE';
  const written = await writeCompiledPolicies(
    ctx,
    accountId,
    compiled,
    record,
    repair ? 'write-all' : 'record',
  );
  // A new default version already reaches every principal bound to the policy ARN (or holding the
  // additional policy). Reading each principal again would cost one IAM call per principal on
  // every change, against the account's IAM throttle (see BENCHMARKS.md); new principals are the
  // event path's job, drift the reconciler's. Sweep when something may be missing: after a failed
  // run, on an explicit repair, or when derived policies (customer boundaries) must be rebuilt.
  const sweep =
    repair || record.customerBoundaryArns.length > 0
      ? await inStep('attach-boundaries', () =>
          attachBoundaryToAllPrincipals(ctx, accountId, written.boundary.policyArn, {
            ourDocument: compiled.policy,
            knownCustomerArns: record.customerBoundaryArns,
            additionalPolicyNames: written.additional.map((extra) => extra.name),
          }),
        )
      : undefined;
  const removed = await inStep('remove-additional-policies', () =>
    removeAdditionalPolicies(ctx, accountId, droppedAdditionalPolicies(record, compiled)),
  );
  // The leased record is the base of the optimistic write; only a conflict costs a re-read.
  await updateAccountRecord(
    ctx,
    accountId,
    (current) =>
      current
        ? {
            ...releasedRecord(current, owner, listedAtMs),
            ...deployedFields(compiled, written),
            ...movedTo(current, base.ouPath),
            customerBoundaryArns: sweep ? customerBoundaryArns(sweep) : current.customerBoundaryArns,
            status: 'ACTIVE',
            lastError: undefined,
          }
        : undefined,
    record,
  );
  const sweepError = sweep && sweepFailureError(sweep);
  if (sweepError) throw sweepError;
  const short = shortOfPolicies(written.short, sweep?.short ?? []);
  if (short.length > 0) throw new AttachmentQuotaError(accountId, short);
  ctx.log.info('compiled policies updated', {
    accountId,
    versionId: written.boundary.versionId,
    written: written.written,
    removed,
    attached: sweep?.attached.length ?? 0,
    derivedRewritten: sweep?.derivedRewritten.length ?? 0,
  });
  return { ...base, outcome: 'updated', versionId: written.boundary.versionId };
}
