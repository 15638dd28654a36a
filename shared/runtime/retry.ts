/**
 * Retries for AWS behaviour the SDK's own retry strategy does not cover. The SDK retries
 * throttling and 5xx (standard mode, `SDK_RETRY_CONFIG`); what remains is eventual consistency:
 * IAM answers NoSuchEntity for a principal created a moment ago, and STS credentials fresh from
 * AssumeRole can be refused with InvalidClientTokenId for a few seconds.
 */
export const SDK_RETRY_CONFIG = { retryMode: 'standard', maxAttempts: 8 } as const;

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ConsistencyRetryOptions {
  /** SDK error names worth waiting for; defaults to the credential-propagation error only. */
  retryOn?: readonly string[];
  attempts?: number;
  baseDelayMs?: number;
  sleep?: Sleep;
  random?: () => number;
}

export const CREDENTIAL_PROPAGATION_ERRORS = ['InvalidClientTokenId'] as const;
export const ENTITY_PROPAGATION_ERRORS = [
  'NoSuchEntity',
  'NoSuchEntityException',
  'InvalidClientTokenId',
] as const;

export function awsErrorName(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const named = error as { name?: unknown; Code?: unknown };
  if (typeof named.name === 'string') return named.name;
  return typeof named.Code === 'string' ? named.Code : '';
}

export function isAwsError(error: unknown, ...names: string[]): boolean {
  return names.includes(awsErrorName(error));
}

/** Runs `call`, retrying with full-jitter exponential backoff while it fails with a listed error. */
export async function retryEventualConsistency<T>(
  call: () => Promise<T>,
  options: ConsistencyRetryOptions = {},
): Promise<T> {
  const retryOn = options.retryOn ?? CREDENTIAL_PROPAGATION_ERRORS;
  const attempts = options.attempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 250;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || !retryOn.includes(awsErrorName(error))) throw error;
      await sleep(jitteredDelay(attempt, baseDelayMs, random));
    }
  }
}

/** How often one account's work is tried again after a transient failure (per use case run). */
export interface AccountRetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  sleep?: Sleep;
  random?: () => number;
}

/**
 * Errors that say "try again later", not "this is wrong": throttling that outlasted the SDK's own
 * retries, 5xx, concurrent writers, and credentials that expired or have not propagated yet. IAM's
 * LimitExceeded is here because IAM also uses it when a concurrent writer filled the five policy
 * versions between our prune and our write; a retry lists and prunes again.
 */
export const TRANSIENT_ERROR_NAMES: ReadonlySet<string> = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'LimitExceeded',
  'LimitExceededException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ServiceFailure',
  'InternalError',
  'InternalFailure',
  'InternalServerError',
  'ConcurrentModification',
  'ConcurrentModificationException',
  'TransactionConflictException',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/** Session expired: the cached credentials must be dropped before the next attempt. */
export const EXPIRED_SESSION_ERRORS = ['ExpiredToken', 'ExpiredTokenException', 'RequestExpired'] as const;

/** Our own error codes that mean "another writer got there first". */
const TRANSIENT_CODES = new Set(['RECORD_CONFLICT', 'WRITE_LEASE_BUSY']);

/** The error and every `cause` below it (our step errors wrap the SDK error). */
export function errorChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < 10 && !chain.includes(current)) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

export function isTransientFailure(error: unknown): boolean {
  return errorChain(error).some((link) => {
    if (TRANSIENT_ERROR_NAMES.has(awsErrorName(link))) return true;
    const code = (link as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
    const status = (link as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
    return typeof status === 'number' && status >= 500;
  });
}

export function isExpiredSession(error: unknown): boolean {
  return errorChain(error).some((link) =>
    (EXPIRED_SESSION_ERRORS as readonly string[]).includes(awsErrorName(link)),
  );
}

/** Full-jitter exponential backoff: a random wait in [0, base · 2^(attempt-1)). */
export function jitteredDelay(attempt: number, baseDelayMs: number, random: () => number): number {
  return Math.floor(random() * baseDelayMs * 2 ** (attempt - 1));
}
