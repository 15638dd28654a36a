/**
 * The one place that tells AWS errors apart by name. SDK errors carry their name twice spelt:
 * IAM's query protocol answers `NoSuchEntity` where the client's model says
 * `NoSuchEntityException` (also LimitExceeded, EntityAlreadyExists, DeleteConflict…), so names are
 * compared without the `Exception` suffix and each list below names an error once.
 */
import type { ErrorCode } from '#shared/errors.ts';

/** The SDK error's name (`name`, or `Code` on older XML errors); '' for anything else. */
export function awsErrorName(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const named = error as { name?: unknown; Code?: unknown };
  if (typeof named.name === 'string') return named.name;
  return typeof named.Code === 'string' ? named.Code : '';
}

const stem = (name: string): string => name.replace(/Exception$/, '');

/** True when the error is one of `names`, in either spelling. */
export function isAwsError(error: unknown, ...names: readonly string[]): boolean {
  const name = stem(awsErrorName(error));
  return name.length > 0 && names.some((candidate) => stem(candidate) === name);
}

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

const inChain = (error: unknown, names: readonly string[]) =>
  errorChain(error).some((link) => isAwsError(link, ...names));

/** IAM: the principal or policy does not exist (or not yet, right after it was created). */
export const NO_SUCH_ENTITY = 'NoSuchEntity';
/** IAM: a quota is full (five policy versions, policies per account). */
export const IAM_QUOTA_FULL = 'LimitExceeded';
/** STS credentials fresh from AssumeRole can be refused for a few seconds. */
export const CREDENTIAL_PROPAGATION_ERRORS = ['InvalidClientTokenId'] as const;
/** A principal named by a fresh CreateUser/CreateRole event may not be visible to IAM yet. */
export const ENTITY_PROPAGATION_ERRORS = [NO_SUCH_ENTITY, ...CREDENTIAL_PROPAGATION_ERRORS] as const;
/** Session expired: the cached credentials must be dropped before the next attempt. */
export const EXPIRED_SESSION_ERRORS = ['ExpiredToken', 'RequestExpired'] as const;

/**
 * Errors that say "try again later", not "this is wrong": throttling that outlasted the SDK's own
 * retries, 5xx, concurrent writers, and credentials that expired or have not propagated yet. IAM's
 * LimitExceeded is here because IAM also uses it when a concurrent writer filled the five policy
 * versions between our prune and our write; a retry lists and prunes again.
 */
export const TRANSIENT_ERRORS: readonly string[] = [
  'Throttling',
  'TooManyRequests',
  'RequestLimitExceeded',
  'RequestThrottled',
  'SlowDown',
  'ProvisionedThroughputExceeded',
  IAM_QUOTA_FULL,
  'ServiceUnavailable',
  'ServiceFailure',
  'InternalError',
  'InternalFailure',
  'InternalServerError',
  'ConcurrentModification',
  'TransactionConflict',
  ...CREDENTIAL_PROPAGATION_ERRORS,
  ...EXPIRED_SESSION_ERRORS,
  'TimeoutError',
  'RequestTimeout',
];

/** Our own codes that mean "another writer got there first". */
const TRANSIENT_CODES: readonly ErrorCode[] = ['RECORD_CONFLICT', 'WRITE_LEASE_BUSY', 'RETRY_LATER'];

export function isTransientFailure(error: unknown): boolean {
  return errorChain(error).some((link) => {
    if (isAwsError(link, ...TRANSIENT_ERRORS)) return true;
    const code = (link as { code?: unknown }).code;
    if (typeof code === 'string' && (TRANSIENT_CODES as readonly string[]).includes(code)) return true;
    const status = (link as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
    return typeof status === 'number' && status >= 500;
  });
}

export function isExpiredSession(error: unknown): boolean {
  return inChain(error, EXPIRED_SESSION_ERRORS);
}

/** AWS refused the caller's permissions (IAM, STS, EC2-style and Organizations spellings). */
export function isAccessDenied(error: unknown): boolean {
  return /AccessDenied|UnauthorizedOperation|NotAuthorized/.test(awsErrorName(error));
}
