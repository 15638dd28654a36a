import type { Context, SQSBatchResponse } from 'aws-lambda';
import { parseAccountWorkItem } from '#aws/account-work-queue.ts';
import { regionalComputeReader } from '#aws/compute-clients.ts';
import { InputRejectedError } from '#shared/errors.ts';
import { applyAccountWork, startListing } from '#usecases/account-work.ts';
import { policySnapshot } from '#usecases/compile-account.ts';
import { type ReconciledAccount, reportReconciled } from '#usecases/reconcile.ts';
import type { AccountSyncResult } from '#usecases/sync-account.ts';
import { type FanOutDeps, withInvocationDeadline } from './commons/deadline.ts';
import { handleDirectOrSqs, isSqsBatch, type MessageRejected } from './commons/event-source.ts';
import { startInvocation } from './commons/logger.ts';
import { collectingContext, NoticeScope } from './commons/notices.ts';
import { DEFAULT_MAX_RECEIVE_COUNT, type HandlerDeps, lazyHandler } from './commons/runtime.ts';

/**
 * The account work queue → one account synced (or reconciled) per message
 * (shared/usecases/account-work.ts). The records of a batch run side by side from one listing of
 * the policy files; the queue gets back only those to deliver again (partial batch response), and a
 * message failing on its last receive goes to the dead-letter queue, named in the invocation's one
 * notice. The accounts a batch reconciled are summed up in one more notice, as a reconcile run
 * inline sums up its own.
 */
export function makeHandler(deps: HandlerDeps & FanOutDeps) {
  const { ctx: collecting, notices } = collectingContext(deps.ctx, deps.logger);
  return async (
    event: unknown,
    context: Context,
  ): Promise<SQSBatchResponse | AccountSyncResult | ReconciledAccount | MessageRejected> => {
    startInvocation(deps.logger, context);
    const ctx = withInvocationDeadline(collecting, context, deps.fanoutMarginMs);
    // One listing per batch: its records were queued before it was taken, so none is older.
    const snapshot = policySnapshot(ctx.ports.policyStore, ctx.now);
    if (isSqsBatch(event)) startListing(snapshot);
    const options = {
      ctx: collecting,
      notices,
      logger: deps.logger,
      step: 'account-work',
      maxReceiveCount: deps.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT,
      concurrency: ctx.settings.fanoutConcurrency,
      ...(ctx.deadline ? { deadline: ctx.deadline } : {}),
    };
    const reconciled: ReconciledAccount[] = [];
    const answer = await handleDirectOrSqs(event, options, async (message) => {
      const parsed = parseAccountWorkItem(message);
      if ('problem' in parsed) throw new InputRejectedError(`not an account work item: ${parsed.problem}`);
      const result = await applyAccountWork(ctx, snapshot, parsed.item);
      if ('drift' in result) reconciled.push(result);
      deps.logger.info('account work done', {
        ...parsed.item,
        ...('drift' in result ? result.drift : result),
      });
      return result;
    });
    if (reconciled.length > 0) {
      const scope = new NoticeScope();
      await notices.within(scope, () => reportReconciled(ctx, reconciled, { governAlways: false }));
      await notices.flush(scope);
    }
    return answer;
  };
}

// A reconciled account is audited for compute running as its exempt roles, as the reconciler does.
export const handler = lazyHandler('account-worker', makeHandler, { computeReader: regionalComputeReader });
