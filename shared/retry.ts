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
      await sleep(Math.floor(random() * baseDelayMs * 2 ** (attempt - 1)));
    }
  }
}
