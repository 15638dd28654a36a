import type { Context, SQSBatchResponse } from 'aws-lambda';
import {
  createIamEventResponder,
  type IamEventOutcome,
  type IamEventResponderOptions,
} from '#usecases/iam-event.ts';
import { type HandledIamEvent, reportUnseenIamEvents } from '#usecases/iam-event-report.ts';
import { reportFailure } from '#usecases/report-failure.ts';
import { handleDirectOrSqs } from './commons/event-source.ts';
import { iamEventOf } from './commons/iam-events.ts';
import { startInvocation } from './commons/logger.ts';
import { type HandlerDeps, lazyHandler } from './commons/runtime.ts';

/**
 * CreateUser / CreateRole (and boundary tampering) forwarded from member accounts → make sure the
 * principal carries our boundary. Direct EventBridge events or SQS-wrapped ones (partial batch).
 */
export function makeHandler(deps: HandlerDeps & { responder?: IamEventResponderOptions }) {
  // Built once per container: its caches are what keeps the warm path to one or two IAM calls.
  const respond = createIamEventResponder(deps.ctx, deps.responder);
  const handleEvent = async (event: unknown, handled: HandledIamEvent[]): Promise<IamEventOutcome> => {
    const iamEvent = iamEventOf(event);
    if (!iamEvent) return { action: 'ignored', reason: 'not a CloudTrail API call event' };
    deps.logger.appendKeys({ accountId: iamEvent.accountId });
    try {
      const outcome = await respond(iamEvent);
      handled.push({ event: iamEvent, outcome });
      deps.logger.info('iam event processed', {
        eventName: iamEvent.eventName,
        eventId: iamEvent.eventId,
        ...outcome,
      });
      return outcome;
    } catch (error) {
      await reportFailure(deps.ctx, error, {
        step: `iam-event ${iamEvent.eventName}`,
        accountId: iamEvent.accountId,
      });
      throw error;
    }
  };
  return async (event: unknown, context: Context): Promise<SQSBatchResponse | IamEventOutcome> => {
    startInvocation(deps.logger, context);
    const handled: HandledIamEvent[] = [];
    const answer = await handleDirectOrSqs(event, context, (message) => handleEvent(message, handled));
    // A message retried after a failure comes back, but its refusal or failed attempt was
    // reported here once: handled collects outcomes, not failures.
    await reportUnseenIamEvents(deps.ctx, handled);
    return answer;
  };
}

export const handler = lazyHandler('iam-event-dispatcher', makeHandler);
