import { StandardRetryStrategy } from '@smithy/core/retry';
import type { RetryStrategyV2, StandardRetryToken } from '@smithy/types';
import { IAM_QUOTA_FULL, isAwsError } from '#runtime/aws-errors.ts';

/**
 * The SDK's standard retry strategy for IAM clients, except that quota refusals are handed back at
 * once. IAM answers request rates with Throttling and uses LimitExceeded only for quotas, but the
 * standard strategy counts every LimitExceededException as throttling and retries it up to
 * maxAttempts with throttling backoff: seconds spent on an answer that will not change. The caller
 * knows what to do instead (prune a version and write again, or retry the account after re-listing).
 */
export function iamRetryStrategy(maxAttempts: number): RetryStrategyV2 {
  const standard = new StandardRetryStrategy(maxAttempts);
  // Every token this strategy hands out comes from `standard`.
  const own = (token: unknown) => token as StandardRetryToken;
  return {
    acquireInitialRetryToken: (scope) => standard.acquireInitialRetryToken(scope),
    refreshRetryTokenForRetry: async (token, errorInfo) => {
      if (isAwsError(errorInfo.error, IAM_QUOTA_FULL)) throw errorInfo.error;
      return standard.refreshRetryTokenForRetry(own(token), errorInfo);
    },
    recordSuccess: (token) => standard.recordSuccess(own(token)),
  };
}
