import type { Context, SQSBatchResponse } from 'aws-lambda';
import { applyPolicyChange, type PolicyChangeResult } from '#usecases/policy-change.ts';
import { sendNotice } from '#usecases/report-failure.ts';
import { type FanOutDeps, withInvocationDeadline } from './commons/deadline.ts';
import { handleDirectOrSqs, type MessageRejected } from './commons/event-source.ts';
import { startInvocation } from './commons/logger.ts';
import { collectingContext } from './commons/notices.ts';
import { DEFAULT_MAX_RECEIVE_COUNT, type HandlerDeps, lazyHandler } from './commons/runtime.ts';
import { readS3Notification } from './commons/s3-records.ts';

/**
 * Policy file created or deleted → recompile every enrolled account it reaches. Accepts the S3
 * notification directly or wrapped in SQS (then failed messages are reported for redelivery).
 */
export function makeHandler(deps: HandlerDeps & FanOutDeps) {
  const { ctx: collecting, notices } = collectingContext(deps.ctx, deps.logger);
  const applyNotification = async (
    notification: unknown,
    context: Context,
  ): Promise<PolicyChangeResult[]> => {
    const ctx = withInvocationDeadline(collecting, context, deps.fanoutMarginMs);
    const { changes, problems } = readS3Notification(notification);
    // The good records of a notification are applied; the rest are named once.
    if (problems.length > 0) {
      deps.logger.error('notification records rejected', { problems });
      await sendNotice(ctx, {
        code: 'INPUT_REJECTED',
        step: 's3-event: read event',
        reason: `${problems.length} record(s) of an S3 notification can never be applied`,
        details: problems,
      });
    }
    const results: PolicyChangeResult[] = [];
    for (const change of changes) {
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
  return async (
    event: unknown,
    context: Context,
  ): Promise<SQSBatchResponse | PolicyChangeResult[] | MessageRejected> => {
    startInvocation(deps.logger, context);
    return handleDirectOrSqs(
      event,
      {
        ctx: collecting,
        notices,
        logger: deps.logger,
        step: 's3-event',
        maxReceiveCount: deps.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT,
        deadline: withInvocationDeadline(collecting, context, deps.fanoutMarginMs).deadline,
      },
      (notification) => applyNotification(notification, context),
    );
  };
}

export const handler = lazyHandler('s3-event-dispatcher', makeHandler);
