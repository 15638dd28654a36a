import type { Context, SQSBatchResponse } from 'aws-lambda';
import { type Deadline, deadlineBeforeTimeout } from '#runtime/deadline.ts';
import { withAccountRetries } from '#usecases/account-retry.ts';
import {
  createIamEventResponder,
  type IamEventOutcome,
  type IamEventResponderOptions,
} from '#usecases/iam-event.ts';
import { type HandledIamEvent, reportUnseenIamEvents } from '#usecases/iam-event-report.ts';
import { reportFailure } from '#usecases/report-failure.ts';
import { handleDirectOrSqs, type MessageRejected } from './commons/event-source.ts';
import { readIamEvent } from './commons/iam-events.ts';
import { startInvocation } from './commons/logger.ts';
import { collectingContext } from './commons/notices.ts';
import { DEFAULT_MAX_RECEIVE_COUNT, type HandlerDeps, lazyHandler } from './commons/runtime.ts';

export interface IamEventDispatcherDeps extends HandlerDeps {
  responder?: IamEventResponderOptions;
  /**
   * Stop starting records this long before the timeout (capped at a quarter of the invocation):
   * long enough for a started record to finish its retries, so no batch runs into the timeout.
   */
  recordMarginMs?: number;
  /** Records of one batch handled at once; IAM throttles per account, so few. */
  recordConcurrency?: number;
}

const DEFAULT_RECORD_MARGIN_MS = 15_000;
const DEFAULT_RECORD_CONCURRENCY = 4;

/**
 * CreateUser / CreateRole (and boundary tampering) forwarded from member accounts → make sure the
 * principal carries our boundary. Direct EventBridge events or SQS-wrapped ones (partial batch).
 */
export function makeHandler(deps: IamEventDispatcherDeps) {
  const { ctx, notices } = collectingContext(deps.ctx, deps.logger);
  // Built once per container: its caches are what keeps the warm path to one or two IAM calls.
  const respond = createIamEventResponder(ctx, deps.responder);
  const handleEvent = async (
    event: unknown,
    deadline: Deadline,
    handled: HandledIamEvent[],
  ): Promise<IamEventOutcome> => {
    const iamEvent = readIamEvent(event);
    deps.logger.appendKeys({ accountId: iamEvent.accountId });
    try {
      // A throttling burst that outlasts the SDK's retries is waited out here, within the deadline,
      // before the record goes back to SQS.
      const outcome = await withAccountRetries({ ...ctx, deadline }, iamEvent.accountId, () =>
        respond(iamEvent),
      );
      handled.push({ event: iamEvent, outcome });
      deps.logger.info('iam event processed', {
        eventName: iamEvent.eventName,
        eventId: iamEvent.eventId,
        ...outcome,
      });
      return outcome;
    } catch (error) {
      await reportFailure(ctx, error, {
        step: `iam-event ${iamEvent.eventName}`,
        accountId: iamEvent.accountId,
      });
      throw error;
    }
  };
  return async (
    event: unknown,
    context: Context,
  ): Promise<SQSBatchResponse | IamEventOutcome | MessageRejected> => {
    startInvocation(deps.logger, context);
    const remainingMs = () => context.getRemainingTimeInMillis();
    const deadline = deadlineBeforeTimeout(remainingMs, deps.recordMarginMs ?? DEFAULT_RECORD_MARGIN_MS);
    const handled: HandledIamEvent[] = [];
    const answer = await handleDirectOrSqs(
      event,
      {
        ctx,
        notices,
        logger: deps.logger,
        step: 'iam-event',
        maxReceiveCount: deps.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT,
        deadline,
        concurrency: deps.recordConcurrency ?? DEFAULT_RECORD_CONCURRENCY,
      },
      (event) => handleEvent(event, deadline, handled),
    );
    // Refused and failed calls change nothing, so SQS never brings them back: reported here, once
    // per invocation (handled collects outcomes, not failures).
    await reportUnseenIamEvents(ctx, handled);
    return answer;
  };
}

export const handler = lazyHandler('iam-event-dispatcher', makeHandler);
