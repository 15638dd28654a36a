import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { createIamCallResponder, type IamCallOutcome, type ResponderOptions } from '#usecases/iam-event.ts';
import { reportFailure } from '#usecases/report-failure.ts';
import { iamCallOf } from './commons/iam-records.ts';
import { startInvocation } from './commons/logger.ts';
import { type HandlerDeps, lazyHandler } from './commons/runtime.ts';
import { isSqsBatch } from './commons/s3-records.ts';

/**
 * CreateUser / CreateRole (and boundary tampering) forwarded from member accounts → make sure the
 * principal carries our boundary. Direct EventBridge events or SQS-wrapped ones (partial batch).
 */
export function makeHandler(deps: HandlerDeps & { responder?: ResponderOptions }) {
  // Built once per container: its caches are what keeps the warm path to one or two IAM calls.
  const respond = createIamCallResponder(deps.ctx, deps.responder);
  const handleEvent = async (event: unknown): Promise<IamCallOutcome> => {
    const call = iamCallOf(event);
    if (!call) return { action: 'ignored', reason: 'not a CloudTrail API call event' };
    deps.logger.appendKeys({ accountId: call.accountId });
    try {
      const outcome = await respond(call);
      deps.logger.info('iam event processed', {
        eventName: call.eventName,
        eventId: call.eventId,
        ...outcome,
      });
      return outcome;
    } catch (error) {
      await reportFailure(deps.ctx, error, {
        step: `iam-event ${call.eventName}`,
        accountId: call.accountId,
      });
      throw error;
    }
  };
  return async (event: unknown, context: Context): Promise<SQSBatchResponse | IamCallOutcome> => {
    startInvocation(deps.logger, context);
    if (!isSqsBatch(event)) return handleEvent(event);
    const recordHandler = async (record: SQSRecord) => handleEvent(JSON.parse(record.body));
    return processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), {
      context,
      throwOnFullBatchFailure: false,
    });
  };
}

export const handler = lazyHandler('iam-event-dispatcher', makeHandler);
