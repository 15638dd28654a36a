import type { Context } from 'aws-lambda';
import { parseArn } from '#policy/arn.ts';
import { DeadlineError, errorText } from '#shared/errors.ts';
import type { FlowContext } from '#usecases/flow-context.ts';
import { reportFailure, sendNotice } from '#usecases/report-failure.ts';
import { isLoopbackEndpoint, requestRefusal, responseUrlRefusal } from './commons/cfn-origin.ts';
import {
  answerUnhandled,
  type CfnOutcome,
  type CfnRequest,
  CfnRequestSchema,
  type PutResponse,
  putResponse,
  responseBody,
  withinDeadline,
} from './commons/cfn-response.ts';
import { startInvocation } from './commons/logger.ts';
import { failedPhysicalId, notEnrolledId, reasonFor, registrationOutcome } from './commons/registration.ts';
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
    const refusal = requestRefusal(request, context.invokedFunctionArn, {
      allowLoopbackResponse: isLoopbackEndpoint(deps.ctx.settings.localEndpoint),
    });
    // Not CloudFormation: nothing is done and nothing is answered (the URL is the invoker's), and
    // nothing is thrown, so an asynchronous invoke is not retried and reported twice.
    if (refusal) return refuseRequest(deps.ctx, request, refusal);
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

async function refuseRequest(ctx: FlowContext, request: CfnRequest, refusal: string): Promise<CfnOutcome> {
  const accountId = request.ResourceProperties.MemberAccountID ?? request.PhysicalResourceId;
  await sendNotice(ctx, {
    code: 'REQUEST_REFUSED',
    step: request.RequestType,
    ...(typeof accountId === 'string' && /^\d{12}$/.test(accountId) ? { accountId } : {}),
    reason: refusal,
    details: [`StackId: ${request.StackId}`, `ResponseURL host: ${hostOf(request.ResponseURL)}`],
  });
  ctx.log.error('request refused', { refusal, requestType: request.RequestType });
  return {
    status: 'FAILED',
    physicalResourceId: request.PhysicalResourceId ?? notEnrolledId(request),
    reason: `REQUEST_REFUSED: ${refusal}`,
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(not a URL)';
  }
}

/**
 * For the answer of last resort, when the configuration could not even be read: CloudFormation's
 * response bucket of the function's region, or a loopback address while AWS_ENDPOINT_URL (read
 * here because the configuration failed) points at a local stack.
 */
function mayAnswerAt(context: Context): (responseUrl: string) => boolean {
  const fn = parseArn(context.invokedFunctionArn);
  const allowLoopbackResponse = isLoopbackEndpoint(process.env.AWS_ENDPOINT_URL);
  return (responseUrl) =>
    fn !== undefined &&
    responseUrlRefusal(responseUrl, fn.partition, fn.region, { allowLoopbackResponse }) === undefined;
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
    await answerUnhandled(event, error, mayAnswerAt(context)).catch(() => undefined);
    throw error;
  }
}
