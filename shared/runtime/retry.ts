import { CREDENTIAL_PROPAGATION_ERRORS, isAwsError } from './aws-errors.ts';

/**
 * Retries for AWS behaviour the SDK's own retry strategy does not cover. The SDK retries
 * throttling and 5xx (standard mode, `SDK_RETRY_CONFIG`); what remains is eventual consistency:
 * IAM answers NoSuchEntity for a principal created a moment ago, and STS credentials fresh from
 * AssumeRole can be refused with InvalidClientTokenId for a few seconds.
 */
export const SDK_RETRY_CONFIG = { retryMode: 'standard', maxAttempts: 8 } as const;

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** How many tries, and how long to wait between them (full-jitter exponential backoff). */
export interface BackoffOptions {
  attempts?: number;
  baseDelayMs?: number;
  sleep?: Sleep;
  random?: () => number;
}

export interface RetryPolicy extends BackoffOptions {
  /** Whether the failure of try number `attempt` is worth another try. */
  retryable: (error: unknown, attempt: number) => boolean;
  /** Told before each wait, e.g. to log it. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

const DEFAULT_ATTEMPTS = 3;
const DEFAULT_BASE_DELAY_MS = 250;

/**
 * The one retry loop: runs `call` until it succeeds, the failure is not retryable, or the attempts
 * are spent (then the last error is thrown), waiting a jittered, doubling delay between tries.
 */
export async function retryWithBackoff<T>(call: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  const attempts = policy.attempts ?? DEFAULT_ATTEMPTS;
  const baseDelayMs = policy.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  const sleep = policy.sleep ?? realSleep;
  const random = policy.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || !policy.retryable(error, attempt)) throw error;
      const delayMs = jitteredDelay(attempt, baseDelayMs, random);
      policy.onRetry?.(error, attempt, delayMs);
      await sleep(delayMs);
    }
  }
}

export interface ConsistencyRetryOptions extends BackoffOptions {
  /** SDK error names worth waiting for; defaults to the credential-propagation error only. */
  retryOn?: readonly string[];
}

/** Retries `call` while it fails with one of the eventual-consistency errors named. */
export function retryEventualConsistency<T>(
  call: () => Promise<T>,
  options: ConsistencyRetryOptions = {},
): Promise<T> {
  const { retryOn = CREDENTIAL_PROPAGATION_ERRORS, ...backoff } = options;
  return retryWithBackoff(call, {
    attempts: 5,
    ...backoff,
    retryable: (error) => isAwsError(error, ...retryOn),
  });
}

/** How often one account's work is tried again after a transient failure (per use case run). */
export type AccountRetryOptions = BackoffOptions;

/** Full-jitter exponential backoff: a random wait in [0, base · 2^(attempt-1)). */
export function jitteredDelay(attempt: number, baseDelayMs: number, random: () => number): number {
  return Math.floor(random() * baseDelayMs * 2 ** (attempt - 1));
}
