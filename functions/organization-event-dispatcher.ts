import type { Context, SQSBatchResponse } from 'aws-lambda';
import { isTransientFailure } from '#runtime/aws-errors.ts';
import { RetryLaterError } from '#shared/errors.ts';
import { type IdentityCenterEventOutcome, respondToIdentityCenterEvent } from '#usecases/identity-center.ts';
import {
  createOrganizationEventResponder,
  type OrganizationEventOutcome,
} from '#usecases/organization-event.ts';
import { reportFailure } from '#usecases/report-failure.ts';
import { type FanOutDeps, withInvocationDeadline } from './commons/deadline.ts';
import { handleDirectOrSqs, type MessageRejected } from './commons/event-source.ts';
import { identityCenterEventOf } from './commons/identity-center-events.ts';
import { startInvocation } from './commons/logger.ts';
import { collectingContext } from './commons/notices.ts';
import { organizationEventOf } from './commons/organization-events.ts';
import { DEFAULT_MAX_RECEIVE_COUNT, type HandlerDeps, lazyHandler } from './commons/runtime.ts';

export { RetryLaterError };

export type OrganizationDispatchOutcome =
  | OrganizationEventOutcome
  | IdentityCenterEventOutcome
  | { action: 'ignored'; reason: string };

/**
 * Organizations events of the management account (MoveAccount, CreateAccountResult, departures…)
 * → every account they name follows its place in the organization. Identity Center events of the
 * management account (a permission set's boundary or policies changed, provisioned, assigned) →
 * that permission set is governed again. Direct EventBridge events or
 * SQS-wrapped ones (partial batch: only events to retry come back).
 */
export function makeHandler(deps: HandlerDeps & FanOutDeps) {
  const { ctx: collecting, notices } = collectingContext(deps.ctx, deps.logger);
  return async (
    event: unknown,
    context: Context,
  ): Promise<SQSBatchResponse | OrganizationDispatchOutcome | MessageRejected> => {
    startInvocation(deps.logger, context);
    // Built per invocation: its per-account ordering spans one batch, its deadline this invocation.
    const ctx = withInvocationDeadline(collecting, context, deps.fanoutMarginMs);
    const respond = createOrganizationEventResponder(ctx);
    const options = {
      ctx: collecting,
      notices,
      logger: deps.logger,
      step: 'organization-event',
      maxReceiveCount: deps.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT,
      ...(ctx.deadline ? { deadline: ctx.deadline } : {}),
    };
    return handleDirectOrSqs(event, options, async (message): Promise<OrganizationDispatchOutcome> => {
      const identityCenterEvent = identityCenterEventOf(message);
      if (identityCenterEvent) {
        const outcome = await respondToIdentityCenterEvent(ctx, identityCenterEvent);
        deps.logger.info('identity center event processed', { ...outcome });
        return outcome;
      }
      const organizationEvent = organizationEventOf(message);
      if (!organizationEvent)
        return { action: 'ignored', reason: 'not an Organizations event scp-alt follows' };
      try {
        const outcome = await respond(organizationEvent);
        deps.logger.info('organization event processed', { ...outcome });
        if (outcome.retryLater)
          throw new RetryLaterError(`look again later at ${outcome.retryLater.join(', ')}`);
        return outcome;
      } catch (error) {
        // What the queue delivers again is reported by the entry rule, once, if its last delivery fails.
        if (!isTransientFailure(error))
          await reportFailure(ctx, error, {
            step: `organization-event ${organizationEvent.eventName}`,
            ...(organizationEvent.accountIds.length === 1
              ? { accountId: organizationEvent.accountIds[0] }
              : {}),
          });
        throw error;
      }
    });
  };
}

export const handler = lazyHandler('organization-event-dispatcher', makeHandler);
