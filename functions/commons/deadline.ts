import type { Context } from 'aws-lambda';
import { deadlineBeforeTimeout } from '#runtime/deadline.ts';
import type { FlowContext } from '#usecases/flow-context.ts';

/** Options of the fan-out handlers (s3-event-dispatcher, reconciler). */
export interface FanOutDeps {
  /** Stop starting accounts this long before the timeout (default DEFAULT_FANOUT_MARGIN_MS). */
  fanoutMarginMs?: number;
}

/** The use-case context for one invocation: the container's context plus this invocation's deadline. */
export function withInvocationDeadline(ctx: FlowContext, context: Context, marginMs?: number): FlowContext {
  return { ...ctx, deadline: deadlineBeforeTimeout(() => context.getRemainingTimeInMillis(), marginMs) };
}
