/**
 * Failures of the command line itself, as opposed to the flows' failures in shared/errors.ts: the
 * operator's credentials, endpoint and settings. Each names what was used and what fixes it.
 */
export const OPERATOR_ERROR_CODES = [
  /** No credentials anywhere in the SDK's chain. */
  'NO_CREDENTIALS',
  /** AWS does not know the access key, or the session expired. */
  'CREDENTIALS_REJECTED',
  /** Nothing answers at the endpoint (connection refused, host not found, timeout). */
  'ENDPOINT_UNREACHABLE',
  /** Something answered that is not an AWS API (a proxy's HTML page, a wrong port). */
  'NOT_AN_AWS_ENDPOINT',
  /** The deployment's table or bucket is not where the settings point. */
  'DEPLOYMENT_NOT_FOUND',
  /** An account id that the organization does not have. */
  'ACCOUNT_NOT_IN_ORGANIZATION',
  /** The management role does not trust the operator's principal. */
  'OPERATOR_NOT_TRUSTED',
  /** The management role cannot assume the organization access role of a member account. */
  'MEMBER_ROLE_REFUSED',
  /** export-native --apply of a folder that is not what the bucket holds. */
  'FOLDER_DIFFERS_FROM_BUCKET',
  /** A change that needs a yes, with no terminal to ask on and no --yes. */
  'CONFIRMATION_REQUIRED',
  /** The operator answered no. */
  'DECLINED',
  /** A defect in scp-alt itself. */
  'INTERNAL_ERROR',
] as const;

export type OperatorErrorCode = (typeof OPERATOR_ERROR_CODES)[number];

export class OperatorError extends Error {
  override name = 'OperatorError';
  constructor(
    readonly code: OperatorErrorCode,
    message: string,
    readonly nextAction: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
