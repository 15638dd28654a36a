/**
 * The AWS API calls each function's code makes, kept next to the code so the deployment test can
 * compare them with the IAM statements in serverless.yml and templates/ (every call covered, nothing
 * broader than needed). Update this table in the same change as any new SDK call.
 *
 * - `own`: calls made with the function's own Lambda role in the security account.
 * - `management`: calls made with the management-account role (templates/management-role.yaml).
 * - `member`: calls made in member accounts with the organization access role (not ours to grant;
 *   listed so operators know what that role needs).
 */
export interface FunctionPermissions {
  own: string[];
  management: string[];
  member: string[];
}

export const FUNCTION_NAMES = [
  'account-register',
  's3-event-dispatcher',
  'iam-event-dispatcher',
  'reconciler',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

export const FUNCTION_PERMISSIONS: Record<FunctionName, FunctionPermissions> = {
  'account-register': { own: [], management: [], member: [] },
  's3-event-dispatcher': { own: [], management: [], member: [] },
  'iam-event-dispatcher': { own: [], management: [], member: [] },
  reconciler: { own: [], management: [], member: [] },
};
