import { errorText, RecordConflictError } from '#shared/errors.ts';
import { type FlowContext, nowIso } from './flow-context.ts';
import type { AccountRecord } from './ports.ts';

const CONFLICT_ATTEMPTS = 4;

/** Enrollment or deregistration owns the account's policy while the record says so. */
export const inEnrollmentOrDeregistration = (record: AccountRecord): boolean =>
  record.status === 'DEREGISTERING' || record.status === 'ENROLLING';

/**
 * Read-modify-write of an account record under its optimistic lock: on a conflict the change is
 * applied again to the fresh record. `change` returns undefined to leave the record as it is.
 * `lastRead`, a record the caller read in this invocation, saves the first read: if it is stale
 * the write conflicts and the loop reads afresh.
 */
export async function updateAccountRecord(
  ctx: FlowContext,
  accountId: string,
  change: (current: AccountRecord | undefined) => AccountRecord | undefined,
  lastRead?: AccountRecord,
): Promise<AccountRecord | undefined> {
  for (let attempt = 1; ; attempt++) {
    const current = attempt === 1 && lastRead ? lastRead : await ctx.ports.accounts.get(accountId);
    const next = change(current);
    if (!next) return current;
    try {
      return await ctx.ports.accounts.save({ ...next, updatedAt: nowIso(ctx) }, current?.revision);
    } catch (error) {
      if (!(error instanceof RecordConflictError) || attempt >= CONFLICT_ATTEMPTS) throw error;
    }
  }
}

/**
 * Marks an existing record FAILED with the error; a missing record stays missing. Never throws:
 * it runs on failure paths, where the original error matters more than a failed record write.
 */
export async function markFailed(ctx: FlowContext, accountId: string, lastError: string): Promise<void> {
  try {
    await updateAccountRecord(ctx, accountId, (current) =>
      current ? { ...current, status: 'FAILED', lastError: lastError.slice(0, 1000) } : undefined,
    );
  } catch (error) {
    ctx.log.error('could not mark the account record FAILED', { accountId, error: errorText(error) });
  }
}
