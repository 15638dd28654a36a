import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { regionalComputeReader } from '#aws/compute-clients.ts';
import { InputRejectedError } from '#shared/errors.ts';
import { type ReconcileReport, reconcileAccounts } from '#usecases/reconcile.ts';
import { type ReplayResult, replayFailedAccounts } from '#usecases/replay.ts';
import { type FanOutDeps, withInvocationDeadline } from './commons/deadline.ts';
import { handleDirect, type MessageRejected } from './commons/event-source.ts';
import { startInvocation } from './commons/logger.ts';
import { collectingContext } from './commons/notices.ts';
import { type HandlerDeps, lazyHandler } from './commons/runtime.ts';
import { issuesOf } from './commons/sqs-messages.ts';

/** `{ "replay": {} }` re-drives every FAILED account; `{ "replay": { "accountId": "…" } }` one. */
const ReplayEventSchema = z.object({
  replay: z.object({
    accountId: z
      .string()
      .regex(/^\d{12}$/)
      .optional(),
  }),
});

/** What the schedule rule delivers; `{}` (an invocation without payload) also runs a reconcile. */
const ReconcileEventSchema = z.union([
  z.object({ 'detail-type': z.literal('Scheduled Event'), source: z.literal('aws.events') }).loose(),
  z.object({}).strict(),
]);

/** What the function returns: the reconcile report, or for a replay event the replayed accounts. */
export type ReconcilerResponse = ReconcileReport & {
  replayed?: ReplayResult[];
  /** Set when the event was acknowledged without a run (reported once, not retried). */
  rejected?: MessageRejected['rejected'];
};

type ReconcilerRequest = { replay: { accountId?: string | undefined } } | { reconcile: true };

function readRequest(event: unknown): ReconcilerRequest {
  const replay = ReplayEventSchema.safeParse(event);
  if (replay.success) return replay.data;
  if (ReconcileEventSchema.safeParse(event).success) return { reconcile: true };
  const why = typeof event === 'object' && event !== null && 'replay' in event ? issuesOf(replay.error) : '';
  throw new InputRejectedError(
    `not a schedule event, {} or {"replay": {"accountId"?: "<12 digits>"}}${why ? `: ${why}` : ''}`,
  );
}

/**
 * Scheduled: compare every enrolled account with its desired state and repair drift. Invoked by an
 * operator with a replay event, it re-drives FAILED accounts instead.
 */
export function makeHandler(deps: HandlerDeps & FanOutDeps) {
  const { ctx: collecting, notices } = collectingContext(deps.ctx, deps.logger);
  const run = async (event: unknown, context: Context): Promise<ReconcilerResponse> => {
    const request = readRequest(event);
    const ctx = withInvocationDeadline(collecting, context, deps.fanoutMarginMs);
    if ('replay' in request) {
      const { accountId } = request.replay;
      // Re-enrolling needs more than this function's role may do (OU lookup, event forwarding).
      const replayed = await replayFailedAccounts(ctx, {
        ...(accountId ? { accountId } : {}),
        reEnroll: false,
      });
      deps.logger.info('replay finished', { replayed });
      return { checked: replayed.length, drifted: [], unreachable: [], replayed };
    }
    const report = await reconcileAccounts(ctx);
    deps.logger.info(report.queued ? 'reconcile queued for the account worker' : 'reconcile finished', {
      checked: report.checked,
      drifted: report.drifted.length,
    });
    return report;
  };
  return async (event: unknown, context: Context): Promise<ReconcilerResponse> => {
    startInvocation(deps.logger, context);
    const options = { ctx: collecting, notices, logger: deps.logger, step: 'reconcile' };
    const answer = await handleDirect(event, options, (message) => run(message, context));
    return 'rejected' in answer && !('checked' in answer)
      ? { checked: 0, drifted: [], unreachable: [], ...answer }
      : answer;
  };
}

// It reports compute running as exempt roles (as the account worker does for a queued reconcile).
export const handler = lazyHandler('reconciler', makeHandler, { computeReader: regionalComputeReader });
