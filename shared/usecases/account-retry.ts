import { isTransientFailure, jitteredDelay, realSleep } from '#runtime/retry.ts';
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
export async function withAccountRetries<T>(
  ctx: FlowContext,
  accountId: string,
  work: () => Promise<T>,
): Promise<T> {
  const attempts = ctx.retry?.attempts ?? DEFAULT_ACCOUNT_ATTEMPTS;
  const baseDelayMs = ctx.retry?.baseDelayMs ?? DEFAULT_ACCOUNT_BASE_DELAY_MS;
  const sleep = ctx.retry?.sleep ?? realSleep;
  const random = ctx.retry?.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isTransientFailure(error) || ctx.deadline?.reached()) throw error;
      const delayMs = jitteredDelay(attempt, baseDelayMs, random);
      ctx.log.warn('transient failure, retrying the account', {
        accountId,
        attempt,
        delayMs,
        error: errorText(error),
      });
      await sleep(delayMs);
    }
  }
}
