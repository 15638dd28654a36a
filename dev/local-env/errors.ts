export type LocalEnvErrorCode =
  | 'local-env.already-running'
  | 'local-env.not-settled'
  | 'local-env.bad-option';

/** Failure of the local environment itself (development tooling, outside the product's error table). */
export class LocalEnvError extends Error {
  constructor(
    readonly code: LocalEnvErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LocalEnvError';
  }
}
