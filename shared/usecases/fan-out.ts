import { mapSettled } from '#runtime/concurrency.ts';
import { DeadlineError } from '#shared/errors.ts';
import { markFailed } from './account-records.ts';
import type { FlowContext } from './flow-context.ts';
import { sendNotice } from './report-failure.ts';

export interface FanOutWhere {
  /** Step named in the notice, e.g. 'sync', 'reconcile', 'replay'. */
  step: string;
  /** Policy file that triggered the fan-out, when there is one. */
  file?: string;
}

/**
 * Runs `work` for every account with bounded concurrency. Once the invocation's deadline is
 * reached no further account is started: those left are recorded FAILED with "deadline reached"
 * (re-driveable by replay and picked up by the next reconcile) and named in one notice. A rejected
 * `work` becomes `onError(accountId, error)`; the fan-out itself never rejects.
 */
export async function fanOutAccounts<T>(
  ctx: FlowContext,
  accountIds: readonly string[],
  work: (accountId: string) => Promise<T>,
  onError: (accountId: string, error: unknown) => T,
  where: FanOutWhere,
): Promise<T[]> {
  const settled = await mapSettled(accountIds, ctx.settings.fanoutConcurrency, work, {
    stopStarting: () => ctx.deadline?.reached() ?? false,
    notStartedError: () => new DeadlineError(ctx.deadline?.remainingMs() ?? 0, 'not started'),
  });
  const deferred = accountIds.filter((_, index) => {
    const outcome = settled[index];
    return outcome !== undefined && !outcome.ok && outcome.notStarted === true;
  });
  if (deferred.length > 0) await recordDeferred(ctx, deferred, where);
  return settled.map((outcome, index) =>
    outcome.ok ? outcome.value : onError(accountIds[index] ?? '', outcome.error),
  );
}

async function recordDeferred(ctx: FlowContext, accountIds: string[], where: FanOutWhere): Promise<void> {
  const error = new DeadlineError(ctx.deadline?.remainingMs() ?? 0, 'not started');
  ctx.log.warn('deadline reached, accounts left for replay', { accounts: accountIds, ...where });
  await Promise.all(
    accountIds.map((accountId) => markFailed(ctx, accountId, `${error.code}: ${error.message}`)),
  );
  await sendNotice(ctx, {
    code: error.code,
    step: where.step,
    ...(accountIds.length === 1 ? { accountId: accountIds[0] } : {}),
    ...(where.file ? { file: where.file } : {}),
    reason: `${error.message}; ${accountIds.length} account(s) recorded FAILED for replay`,
    details: accountIds.map((accountId) => `account ${accountId}: not started (deadline reached)`),
  });
}
