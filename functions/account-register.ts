import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { parseArn } from '#policy/arn.ts';
import { DeadlineError, errorText, InputRejectedError } from '#shared/errors.ts';
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
import { collectingContext, NoticeScope } from './commons/notices.ts';
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
  const { ctx, notices } = collectingContext(deps.ctx, deps.logger);
  const handle = async (event: unknown, context: Context): Promise<CfnOutcome> => {
    const parsed = CfnRequestSchema.safeParse(event);
    if (!parsed.success) return rejectRequest({ ...deps, ctx, put }, event, parsed.error, context);
    // Work nobody can be told about is not started: the stack would hang, then roll back.
    if (!hasUsableResponseUrl(event)) {
      const problem = new Error('ResponseURL: not an http(s) URL');
      return rejectRequest({ ...deps, ctx, put }, event, problem, context);
    }
    const request = parsed.data;
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
      await reportFailure(ctx, error, { step: request.RequestType });
      return failed(error);
    };
    const work = registrationOutcome(ctx, request).catch(failed);
    const remaining = context.getRemainingTimeInMillis();
    const outcome = await withinDeadline(work, remaining, deps.deadlineMarginMs ?? 10_000, onDeadline);
    deps.logger.info('answering CloudFormation', { requestType: request.RequestType, ...outcome });
    // Not rethrown: a Lambda retry would run the request again and could answer differently.
    await put(request.ResponseURL, responseBody(request, outcome)).catch((error: unknown) =>
      deps.logger.error('could not answer CloudFormation', { error: errorText(error) }),
    );
    return outcome;
  };
  // One notice per request: what enroll and the deadline report is sent together at the end.
  return async (event: unknown, context: Context): Promise<CfnOutcome> => {
    const scope = new NoticeScope();
    try {
      return await notices.within(scope, () => handle(event, context));
    } finally {
      await notices.flush(scope);
    }
  };
}

/**
 * A request that does not parse can never succeed, and CloudFormation invokes asynchronously: a
 * throw would make Lambda run it twice more. So it is reported once, answered FAILED when it names
 * a ResponseURL that can be answered, and acknowledged.
 */
async function rejectRequest(
  deps: AccountRegisterDeps & { ctx: FlowContext; put: PutResponse },
  event: unknown,
  problem: unknown,
  context: Context,
): Promise<CfnOutcome> {
  startInvocation(deps.logger, context);
  const reason = `malformed CloudFormation request: ${describeIssues(problem)}`;
  const answerable = hasUsableResponseUrl(event);
  const rejected = new InputRejectedError(
    answerable ? `${reason}; answered FAILED` : `${reason}; it names no ResponseURL that can be answered`,
  );
  await reportFailure(deps.ctx, rejected, { step: 'account-register: read request' });
  const outcome: CfnOutcome = {
    status: 'FAILED',
    physicalResourceId: physicalIdOf(event),
    reason: rejected.message,
  };
  if (answerable) {
    const mayAnswer = mayAnswerAt(context, deps.ctx.settings.localEndpoint);
    await answerUnhandled(event, problem, mayAnswer, deps.put).catch((error: unknown) =>
      deps.logger.error('could not answer CloudFormation', { error: errorText(error) }),
    );
  }
  return outcome;
}

function describeIssues(problem: unknown): string {
  if (!(problem instanceof z.ZodError)) return errorText(problem);
  return problem.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(request)'}: ${issue.message}`)
    .join('; ');
}

function hasUsableResponseUrl(event: unknown): boolean {
  const url = (event as { ResponseURL?: unknown } | null)?.ResponseURL;
  if (typeof url !== 'string' || !URL.canParse(url)) return false;
  return ['https:', 'http:'].includes(new URL(url).protocol);
}

function physicalIdOf(event: unknown): string {
  const request = event as { PhysicalResourceId?: unknown; RequestId?: unknown } | null;
  if (typeof request?.PhysicalResourceId === 'string') return request.PhysicalResourceId;
  return `not-enrolled-${typeof request?.RequestId === 'string' ? request.RequestId : 'unknown'}`;
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
 * Where an answer of last resort may go: CloudFormation's response bucket of the function's region,
 * or a loopback address while the SDK's endpoint is a local stack.
 */
function mayAnswerAt(context: Context, localEndpoint: string | undefined): (responseUrl: string) => boolean {
  const fn = parseArn(context.invokedFunctionArn);
  const allowLoopbackResponse = isLoopbackEndpoint(localEndpoint);
  return (responseUrl) =>
    fn !== undefined &&
    responseUrlRefusal(responseUrl, fn.partition, fn.region, { allowLoopbackResponse }) === undefined;
}

const lazy = lazyHandler('account-register', makeHandler);

/**
 * The deployed entry point. What fails before the handler can answer by itself (a configuration
 * error at cold start) is still answered FAILED at the ResponseURL, then rethrown so the function's
 * error metrics and logs show it. A malformed request is the handler's own (rejectRequest).
 */
export async function handler(event: unknown, context: Context): Promise<CfnOutcome> {
  try {
    return await lazy(event, context);
  } catch (error) {
    // The configuration could not be read, so the endpoint comes straight from the environment.
    await answerUnhandled(event, error, mayAnswerAt(context, process.env.AWS_ENDPOINT_URL)).catch(
      () => undefined,
    );
    throw error;
  }
}
