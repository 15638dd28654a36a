export const MOTO_REQUIRED_MESSAGE = "moto server is required: python3 -m pip install 'moto[server]'";

/** The interpreter itself could not be started. */
export function pythonMissingMessage(python: string): string {
  return `Python 3 is required to run moto server, and '${python}' could not be started: install Python 3 (or point SCP_ALT_PYTHON at it), then ${MOTO_REQUIRED_MESSAGE.replace('moto server is required: ', '')}`;
}

export type LocalStackErrorCode =
  | 'local-stack.moto-missing'
  | 'local-stack.start-failed'
  | 'local-stack.control-failed';

/**
 * Failure of the local AWS stack itself (not of an emulated AWS call). Test tooling only, so it
 * stays out of the product's error table.
 */
export class LocalStackError extends Error {
  constructor(
    readonly code: LocalStackErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LocalStackError';
  }
}
