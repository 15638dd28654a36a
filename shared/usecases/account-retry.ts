import { isTransientFailure } from '#runtime/aws-errors.ts';
import { retryWithBackoff } from '#runtime/retry.ts';
import { errorText } from '#shared/errors.ts';
import type { FlowContext } from './flow-context.ts';

export const DEFAULT_ACCOUNT_ATTEMPTS = 3;
export const DEFAULT_ACCOUNT_BASE_DELAY_MS = 1_000;

/**
 * Runs one account's work again, with jittered backoff, while it fails transiently (see
 * isTransientFailure). The SDK has already retried each call; this retries the whole idempotent
 * unit, which also re-lists policy versions and re-reads records a concurrent writer changed.
 * No retry is started once the invocation's deadline is reached.
 */
export function withAccountRetries<T>(
  ctx: FlowContext,
  accountId: string,
  work: () => Promise<T>,
): Promise<T> {
  return retryWithBackoff(work, {
    attempts: DEFAULT_ACCOUNT_ATTEMPTS,
    baseDelayMs: DEFAULT_ACCOUNT_BASE_DELAY_MS,
    ...ctx.retry,
    retryable: (error) => isTransientFailure(error) && !ctx.deadline?.reached(),
    onRetry: (error, attempt, delayMs) =>
      ctx.log.warn('transient failure, retrying the account', {
        accountId,
        attempt,
        delayMs,
        error: errorText(error),
      }),
  });
}
