import type { Context } from 'aws-lambda';
import { DeadlineError, errorText } from '#shared/errors.ts';
import { reportFailure } from '#usecases/report-failure.ts';
import {
  answerUnhandled,
  type CfnOutcome,
  CfnRequestSchema,
  type PutResponse,
  putResponse,
  responseBody,
  withinDeadline,
} from './commons/cfn-response.ts';
import { startInvocation } from './commons/logger.ts';
import { failedPhysicalId, reasonFor, registrationOutcome } from './commons/registration.ts';
import { type HandlerDeps, lazyHandler } from './commons/runtime.ts';

export interface AccountRegisterDeps extends HandlerDeps {
  putResponse?: PutResponse;
  /** Answer FAILED this long before the function would time out (default 10 s). */
  deadlineMarginMs?: number;
}

/** CloudFormation custom resource (Service Catalog product): enroll, update or deregister one account. */
export function makeHandler(deps: AccountRegisterDeps) {
  const put = deps.putResponse ?? ((url, body) => putResponse(url, body));
  return async (event: unknown, context: Context): Promise<CfnOutcome> => {
    const request = CfnRequestSchema.parse(event);
    const accountId = request.ResourceProperties.MemberAccountID ?? request.PhysicalResourceId;
    startInvocation(deps.logger, context, typeof accountId === 'string' ? accountId : undefined);
    const failed = (error: unknown): CfnOutcome => ({
      status: 'FAILED',
      physicalResourceId: failedPhysicalId(request, error),
      reason: reasonFor(error),
    });
    const onDeadline = async (): Promise<CfnOutcome> => {
      const error = new DeadlineError(deps.deadlineMarginMs ?? 10_000, 'stopped');
      await reportFailure(deps.ctx, error, { step: request.RequestType });
      return failed(error);
    };
    const work = registrationOutcome(deps.ctx, request).catch(failed);
    const remaining = context.getRemainingTimeInMillis();
    const outcome = await withinDeadline(work, remaining, deps.deadlineMarginMs ?? 10_000, onDeadline);
    deps.logger.info('answering CloudFormation', { requestType: request.RequestType, ...outcome });
    // Not rethrown: a Lambda retry would run the request again and could answer differently.
    await put(request.ResponseURL, responseBody(request, outcome)).catch((error: unknown) =>
      deps.logger.error('could not answer CloudFormation', { error: errorText(error) }),
    );
    return outcome;
  };
}

const lazy = lazyHandler('account-register', makeHandler);

/**
 * The deployed entry point. What fails before the handler can answer by itself (a configuration
 * error at cold start, a request that does not parse) is still answered FAILED at the ResponseURL,
 * then rethrown so the function's error metrics and logs show it.
 */
export async function handler(event: unknown, context: Context): Promise<CfnOutcome> {
  try {
    return await lazy(event, context);
  } catch (error) {
    await answerUnhandled(event, error).catch(() => undefined);
    throw error;
  }
}
