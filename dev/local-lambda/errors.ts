export type LocalLambdaErrorCode =
  | 'local-lambda.artifacts-missing'
  | 'local-lambda.bad-zip'
  | 'local-lambda.template'
  | 'local-lambda.unresolvable'
  | 'local-lambda.endpoint'
  | 'local-lambda.invoke-failed';

/** Failure of the local Lambda runtime itself, never of the function it runs. Development tooling only. */
export class LocalLambdaError extends Error {
  constructor(
    readonly code: LocalLambdaErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LocalLambdaError';
  }
}
