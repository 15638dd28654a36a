import type { Context, SQSBatchResponse } from 'aws-lambda';
import { applyPolicyChange, type PolicyChangeResult } from '#usecases/policy-change.ts';
import { type FanOutDeps, withInvocationDeadline } from './commons/deadline.ts';
import { handleDirectOrSqs } from './commons/event-source.ts';
import { startInvocation } from './commons/logger.ts';
import { type HandlerDeps, lazyHandler } from './commons/runtime.ts';
import { policyChangesOf } from './commons/s3-records.ts';

/**
 * Policy file created or deleted → recompile every enrolled account it reaches. Accepts the S3
 * notification directly or wrapped in SQS (then failed messages are reported for redelivery).
 */
export function makeHandler(deps: HandlerDeps & FanOutDeps) {
  const applyNotification = async (
    notification: unknown,
    context: Context,
  ): Promise<PolicyChangeResult[]> => {
    const ctx = withInvocationDeadline(deps.ctx, context, deps.fanoutMarginMs);
    const results: PolicyChangeResult[] = [];
    for (const change of policyChangesOf(notification)) {
      const result = await applyPolicyChange(ctx, change);
      deps.logger.info('policy change processed', {
        ...change,
        accounts: result.accounts,
        ignored: result.ignored,
      });
      results.push(result);
    }
    return results;
  };
  return async (event: unknown, context: Context): Promise<SQSBatchResponse | PolicyChangeResult[]> => {
    startInvocation(deps.logger, context);
    return handleDirectOrSqs(event, context, (notification) => applyNotification(notification, context));
  };
}

export const handler = lazyHandler('s3-event-dispatcher', makeHandler);
