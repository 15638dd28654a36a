import { z } from 'zod';
import { type BackoffOptions, retryWithBackoff } from '#runtime/retry.ts';

/** The CloudFormation custom-resource request fields scp-alt reads. */
export const CfnRequestSchema = z
  .object({
    RequestType: z.enum(['Create', 'Update', 'Delete']),
    ResponseURL: z.string().min(1),
    // Defaults keep a malformed request answerable: all that is needed is the URL.
    ServiceToken: z.string().default(''),
    StackId: z.string().default(''),
    RequestId: z.string().default(''),
    LogicalResourceId: z.string().default(''),
    PhysicalResourceId: z.string().optional(),
    ResourceProperties: z.record(z.string(), z.unknown()).default({}),
    OldResourceProperties: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();
export type CfnRequest = z.infer<typeof CfnRequestSchema>;

/** Just enough of a request to answer it: what is left when the rest is malformed. */
const AnswerableSchema = z
  .object({
    ResponseURL: z.string().min(1),
    StackId: z.string().catch(''),
    RequestId: z.string().catch(''),
    LogicalResourceId: z.string().catch(''),
    PhysicalResourceId: z.string().optional().catch(undefined),
  })
  .loose();

export interface CfnOutcome {
  status: 'SUCCESS' | 'FAILED';
  physicalResourceId: string;
  reason?: string;
  data?: Record<string, string>;
}

export type PutResponse = (url: string, body: string) => Promise<void>;

// CloudFormation rejects responses over 4 KiB; the reason is the only long field.
const REASON_LIMIT = 1500;

export function responseBody(request: CfnRequest, outcome: CfnOutcome): string {
  return JSON.stringify({
    Status: outcome.status,
    Reason: (outcome.reason ?? outcome.status).slice(0, REASON_LIMIT),
    PhysicalResourceId: outcome.physicalResourceId,
    StackId: request.StackId,
    RequestId: request.RequestId,
    LogicalResourceId: request.LogicalResourceId,
    NoEcho: false,
    ...(outcome.data ? { Data: outcome.data } : {}),
  });
}

/**
 * PUT to the pre-signed S3 URL. The URL was signed without a content type, so the header must be
 * empty; a few retries with backoff cover a transient network error or S3 hiccup, since an
 * unanswered stack hangs for an hour.
 */
export function putResponse(
  url: string,
  body: string,
  fetchImpl: typeof fetch = fetch,
  backoff: BackoffOptions = {},
): Promise<void> {
  return retryWithBackoff(
    async () => {
      const response = await fetchImpl(url, {
        method: 'PUT',
        headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) },
        body,
      });
      if (!response.ok) throw new Error(`CloudFormation response PUT returned HTTP ${response.status}`);
    },
    { attempts: 3, baseDelayMs: 500, ...backoff, retryable: () => true },
  );
}

/**
 * The answer of last resort, when a request cannot be handled at all (the function's configuration
 * is broken, or the request is malformed): FAILED with the reason, if the event names a
 * ResponseURL that `mayAnswerAt` accepts (CloudFormation's own, never any URL an invoker chose), so
 * the stack fails at once instead of waiting an hour for a timeout. Returns whether an answer was
 * sent.
 */
export async function answerUnhandled(
  event: unknown,
  error: unknown,
  mayAnswerAt: (responseUrl: string) => boolean,
  put: PutResponse = (url, body) => putResponse(url, body),
): Promise<boolean> {
  const parsed = AnswerableSchema.safeParse(event);
  if (!parsed.success) return false;
  const request = parsed.data;
  if (!mayAnswerAt(request.ResponseURL)) return false;
  const cause =
    error instanceof z.ZodError
      ? `malformed request: ${z.prettifyError(error).replaceAll('\n', ' ')}`
      : error instanceof Error
        ? error.message
        : String(error);
  const reason = `scp-alt could not handle this request: ${cause}`;
  const body = responseBody(
    { ...request, RequestType: 'Create', ServiceToken: '', ResourceProperties: {} },
    {
      status: 'FAILED',
      physicalResourceId: request.PhysicalResourceId ?? `not-enrolled-${request.RequestId}`,
      reason,
    },
  );
  await put(request.ResponseURL, body);
  return true;
}

/**
 * Resolves with the work's outcome, or with `onDeadline()` when only `marginMs` of the
 * invocation is left, so CloudFormation always gets an answer before Lambda stops us.
 */
export async function withinDeadline(
  work: Promise<CfnOutcome>,
  remainingMs: number,
  marginMs: number,
  onDeadline: () => Promise<CfnOutcome>,
): Promise<CfnOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CfnOutcome>((resolve) => {
    timer = setTimeout(() => resolve(onDeadline()), Math.max(0, remainingMs - marginMs));
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
