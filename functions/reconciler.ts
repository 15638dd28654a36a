import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { regionalComputeReader } from '#aws/compute-clients.ts';
import { type ReconcileReport, reconcileAccounts } from '#usecases/reconcile.ts';
import { type ReplayResult, replayFailedAccounts } from '#usecases/replay.ts';
import { type FanOutDeps, withInvocationDeadline } from './commons/deadline.ts';
import { startInvocation } from './commons/logger.ts';
import { type HandlerDeps, lazyHandler } from './commons/runtime.ts';

/** `{ "replay": {} }` re-drives every FAILED account; `{ "replay": { "accountId": "…" } }` one. */
const ReplayEventSchema = z.object({
  replay: z.object({
    accountId: z
      .string()
      .regex(/^\d{12}$/)
      .optional(),
  }),
});

/** What the function returns: the reconcile report, or for a replay event the replayed accounts. */
export type ReconcilerResponse = ReconcileReport & { replayed?: ReplayResult[] };

/**
 * Scheduled: compare every enrolled account with its desired state and repair drift. Invoked by an
 * operator with a replay event, it re-drives FAILED accounts instead.
 */
export function makeHandler(deps: HandlerDeps & FanOutDeps) {
  return async (event: unknown, context: Context): Promise<ReconcilerResponse> => {
    startInvocation(deps.logger, context);
    const ctx = withInvocationDeadline(deps.ctx, context, deps.fanoutMarginMs);
    const replay = ReplayEventSchema.safeParse(event);
    if (replay.success) {
      const { accountId } = replay.data.replay;
      // Re-enrolling needs more than this function's role may do (OU lookup, event forwarding).
      const replayed = await replayFailedAccounts(ctx, {
        ...(accountId ? { accountId } : {}),
        reEnroll: false,
      });
      deps.logger.info('replay finished', { replayed });
      return { checked: replayed.length, drifted: [], replayed };
    }
    const report = await reconcileAccounts(ctx);
    deps.logger.info('reconcile finished', { checked: report.checked, drifted: report.drifted.length });
    return report;
  };
}

// The one function that reports compute running as exempt roles reads functions and stacks.
export const handler = lazyHandler('reconciler', makeHandler, { computeReader: regionalComputeReader });
