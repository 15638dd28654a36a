import type { PolicyFinding } from '#policy/types.ts';
import { awsErrorName, isAccessDenied } from '#runtime/aws-errors.ts';

/**
 * One table of every error code scp-alt raises: the one-line summary shown as the SNS subject and
 * CloudFormation Reason prefix, and the next action the operator should take. Codes are stable:
 * operators filter on them, so rename only with a migration note.
 */
export const ERROR_TABLE = {
  INVALID_REQUEST: {
    summary: 'Invalid request parameters',
    nextAction: 'Fix the product parameters (12-digit account id, ou-… or r-… id) and retry.',
  },
  ACCOUNT_REFUSED: {
    summary: 'Account cannot be enrolled',
    nextAction:
      'Enroll member accounts only; the security account is never enrolled, the management account only with EnrollManagementAccount=yes.',
  },
  MANAGEMENT_LOCKOUT: {
    summary: "The boundary would lock the organization's administrators out",
    nextAction:
      'Name an existing break-glass user or role of the management account in ManagementBreakGlassNames, or change the policy files so the boundary leaves Organizations administration allowed; the previous boundary (if any) stays in place.',
  },
  ALREADY_ENROLLED: {
    summary: 'Account is already enrolled',
    nextAction: 'Update or terminate the existing provisioned product instead of launching another.',
  },
  POLICY_INVALID: {
    summary: 'Policy file rejected',
    nextAction: 'Fix the named statement and upload the file again; the previous boundary stays in place.',
  },
  POLICY_MISSING: {
    summary: 'No policy file applies',
    nextAction:
      'Upload a policy file for the account, one of its OUs or the root; the boundary is unchanged.',
  },
  ORGANIZATION_LOOKUP_FAILED: {
    summary: 'Organizations could not be read',
    nextAction:
      'Check the management role may call organizations:DescribeAccount and ListParents (templates/management-role.yaml), then retry; nothing was enrolled from a guessed OU path.',
  },
  ACCOUNT_NOT_IN_ORGANIZATION: {
    summary: 'Account is not in the organization',
    nextAction:
      'Check the account id (aws organizations list-accounts in the management account); nothing was enrolled and no record was written.',
  },
  OU_DOES_NOT_CONTAIN_ACCOUNT: {
    summary: 'OU does not exist or does not contain the account',
    nextAction:
      'Give the OU (ou-…) or root (r-…) the account sits in (aws organizations list-parents --child-id <account>); nothing was enrolled.',
  },
  ACCOUNT_UNREACHABLE: {
    summary: 'Account can no longer be reached',
    nextAction:
      'Nothing is retried for it. If it left the organization its principals may still carry scp-enforce-policy (removable there with the organization access role); run `scp-alt deregister --account <id> --force` to remove the record, or `scp-alt replay --account <id>` once it is reachable again.',
  },
  ACCOUNT_AUTO_ENROLLED: {
    summary: 'Account enrolled automatically',
    nextAction:
      'Nothing to do: it arrived in an OU named by AutoEnrollOrganizationUnits. Launching the Service Catalog product for it takes the enrollment over.',
  },
  ACCOUNT_AUTO_DEREGISTERED: {
    summary: 'Account deregistered automatically',
    nextAction:
      'Nothing to do: it left the OUs named by AutoEnrollOrganizationUnits and AutoEnrollMovedOut is deregister. Enroll it again with the product or `scp-alt enroll` to keep it governed.',
  },
  ORGANIZATION_CHANGED: {
    summary: 'Organization changed',
    nextAction:
      'Check the listed OUs have the policy files you intend (`scp-alt plan` shows them); remove policy files whose target no longer exists.',
  },
  ASSUME_ROLE_FAILED: {
    summary: 'Could not assume a role',
    nextAction:
      "Check the management role and the organization access role exist and trust the caller; the organization access role's trust must also allow sts:SetSourceIdentity to the management role (README, Deploy; `scp-alt replay` adds it back).",
  },
  ACCESS_DENIED: {
    summary: 'Access denied by AWS',
    nextAction: 'Grant the missing permission named in the error to the role that made the call.',
  },
  AWS_CALL_FAILED: {
    summary: 'AWS call failed',
    nextAction: 'Retry the operation; if it persists, inspect the function log for the request id.',
  },
  RECORD_CONFLICT: {
    summary: 'Concurrent update of the account record',
    nextAction: 'Retry; another invocation changed the record at the same time.',
  },
  WRITE_LEASE_BUSY: {
    summary: "Another invocation is writing the account's policy",
    nextAction:
      'Nothing to do if the other invocation finishes; otherwise replay the account once its lease has expired (2 minutes).',
  },
  RETRY_LATER: {
    summary: 'An event must be looked at again later',
    nextAction: 'Nothing to do: the queue delivers it again; it is reported if its last delivery fails too.',
  },
  CUSTOM_BOUNDARY_PRESENT: {
    summary: 'Customer boundaries combined with ours',
    nextAction:
      'Nothing to do: the listed principals now carry scp-enforce-policy-<hash>, their own boundary plus our denies; their policy was not edited.',
  },
  DERIVED_BOUNDARY_FAILED: {
    summary: 'Customer boundary could not be combined with ours',
    nextAction:
      'The principals named now carry scp-enforce-policy instead of their own boundary (never theirs alone); fix or shrink the customer policy, then set it as their boundary again through the organization access role: the next reconcile combines it with ours.',
  },
  ATTACHMENT_QUOTA_FULL: {
    summary: 'Principals lack additional policies: attachment quota full',
    nextAction:
      'The listed principals keep the boundary but lack the additional policies named. Free a slot (detach one of their own managed policies), ask AWS to raise the managed policies per role or user quota (20 at most), or change the policy files so the chain needs fewer additional policies (MaxAdditionalPolicies bounds how many a chain may use); then run `scp-alt replay` (the reconciler also retries).',
  },
  PERMISSION_SET_NOT_GOVERNED: {
    summary: 'Identity Center permission set left without our boundary',
    nextAction:
      'Its roles in the enrolled accounts named carry no boundary of ours. Spanning accounts that are not enrolled: enroll them, or provision a separate permission set to the enrolled ones. Its own boundary: remove it from the permission set (scp-alt then sets ours), or stop provisioning it to enrolled accounts. Additional policies only some accounts hold: README, Identity Center.',
  },
  PERMISSION_SET_STILL_ASSIGNED: {
    summary: 'Identity Center role still carries our boundary',
    nextAction:
      "In Identity Center, remove the account's assignments of the permission set named (Identity Center then deletes its role there), or deregister every account it is provisioned to; then deregister again. Only Identity Center may take a boundary off its roles.",
  },
  PERMISSION_SET_PROVISIONING_FAILED: {
    summary: 'Identity Center could not provision a permission set with our boundary',
    nextAction:
      'Check that scp-enforce-policy (and the additional policies named) exist in the accounts named: `scp-alt status --account ID`; the next reconcile provisions again.',
  },
  TAMPERING_DETECTED: {
    summary: 'Boundary tampering detected',
    nextAction: 'Review who made the call (CloudTrail); scp-alt re-applied the boundary where it could.',
  },
  DRIFT_REPAIRED: {
    summary: 'Drift repaired',
    nextAction: 'Review who changed the boundaries or the policy (CloudTrail); nothing else to do.',
  },
  RECONCILE_INCOMPLETE: {
    summary: 'Drift could not be fully repaired',
    nextAction: 'Fix the problems listed per account; the next scheduled run retries.',
  },
  CLEANUP_INCOMPLETE: {
    summary: 'Deregistration left resources behind',
    nextAction: 'Remove scp-enforce-policy and scp-event-rule from the member account by hand.',
  },
  WHITELIST_TRUST_OPEN: {
    summary: 'Whitelisted role trusts more than the whitelist is for',
    nextAction:
      'Remove the named principals from the role trust (through the organization access role), or list them in WhitelistTrustAllowedArns if they are meant to assume it.',
  },
  EXEMPT_ROLE_IN_USE: {
    summary: 'Compute runs as an exempt role',
    nextAction:
      'Whoever can change the named function, instance or stack acts as that role without the boundary: give the compute a role of its own, or restrict who may change it.',
  },
  FORGED_EVENT_REFUSED: {
    summary: 'IAM event refused: not what a member account forwards',
    nextAction:
      'Find who put it on the security bus (the account and source named) and remove that access; nothing in any member account was changed.',
  },
  TAMPER_ATTEMPT_DENIED: {
    summary: 'Attempts to weaken the boundary were denied',
    nextAction:
      'Nothing changed; review who made the calls (CloudTrail) and why they tried, the boundary held.',
  },
  REQUEST_REFUSED: {
    summary: 'Custom-resource request refused: not from our Service Catalog product',
    nextAction:
      'Nothing was changed and nothing was answered; find who invoked account-register directly (CloudTrail lambda:Invoke) and remove that permission.',
  },
  TRAIL_BUCKET_TAKEN: {
    summary: 'The trail bucket name belongs to another account',
    nextAction:
      'Enroll with CreateCloudTrail=no and name a trail the account already has (ProtectedTrails), or have the owner of the named bucket delete it.',
  },
  TRAIL_NOT_USABLE: {
    summary: 'Named trail cannot deliver IAM events',
    nextAction:
      'Name a trail of the account that logs management events in the IAM events region, or enroll with CreateCloudTrail=yes, then retry.',
  },
  DEADLINE_EXCEEDED: {
    summary: 'Function ran out of time',
    nextAction:
      'Run `scp-alt replay` (or wait for the next reconcile) for the accounts listed; for very large fan-outs raise the function timeout.',
  },
  INPUT_REJECTED: {
    summary: 'Event rejected',
    nextAction:
      'Nothing was changed and the event is not retried; find what sent it (named below) and fix the sender.',
  },
  SEVERAL_FAILURES: {
    summary: 'Several failures in one run',
    nextAction:
      'Act on each line below as the entry of its error code in the README says; each names its account or file.',
  },
  UNEXPECTED: {
    summary: 'Unexpected error',
    nextAction: 'Inspect the function log for the request id and report a bug if it is not an AWS outage.',
  },
} as const satisfies Record<string, { summary: string; nextAction: string }>;

export type ErrorCode = keyof typeof ERROR_TABLE;

/** Every code, for code that must list them (the union type is ErrorCode). */
export const ERROR_CODES = Object.keys(ERROR_TABLE) as ErrorCode[];

export function describeErrorCode(code: ErrorCode): { summary: string; nextAction: string } {
  return ERROR_TABLE[code];
}

/** Every error of ours has a stable code from the table above. */
export class ScpAltError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ScpAltError';
  }
}

export class InvalidRequestError extends ScpAltError {
  override name = 'InvalidRequestError';
  constructor(message: string) {
    super('INVALID_REQUEST', message);
  }
}

export class AccountRefusedError extends ScpAltError {
  override name = 'AccountRefusedError';
  constructor(
    readonly accountId: string,
    reason: string,
    code: 'ACCOUNT_REFUSED' | 'ALREADY_ENROLLED' | 'WHITELIST_TRUST_OPEN' = 'ACCOUNT_REFUSED',
  ) {
    super(code, `account ${accountId}: ${reason}`);
  }
}

/** A custom-resource request that is not what our Service Catalog product sends. */
export class RequestRefusedError extends ScpAltError {
  override name = 'RequestRefusedError';
  constructor(reason: string) {
    super('REQUEST_REFUSED', reason);
  }
}

/** Policy files that fail validation or compilation; the findings name file, path and rule. */
export class PolicyInvalidError extends ScpAltError {
  override name = 'PolicyInvalidError';
  constructor(readonly findings: PolicyFinding[]) {
    super('POLICY_INVALID', findings.map(describeFinding).join('; ') || 'policy rejected');
  }
}

/** The management account's boundary would leave nobody there able to administer the organization. */
export class ManagementLockoutError extends ScpAltError {
  override name = 'ManagementLockoutError';
  constructor(accountId: string, deniedActions: readonly string[], breakGlassNames: readonly string[]) {
    const named =
      breakGlassNames.length === 0
        ? 'no break-glass principal is named (ManagementBreakGlassNames)'
        : `none of the break-glass principals named (${breakGlassNames.join(', ')}) exists as a user or role there`;
    super(
      'MANAGEMENT_LOCKOUT',
      `management account ${accountId}: the boundary denies ${deniedActions.join(', ')} to every principal it bounds, and ${named}: nobody left there could administer the organization`,
    );
  }
}

export class NoPolicyAppliesError extends ScpAltError {
  override name = 'NoPolicyAppliesError';
  constructor(accountId: string, detail: string) {
    super('POLICY_MISSING', `no policy applies to account ${accountId}; boundary left in place (${detail})`);
  }
}

/** An AWS SDK call failed during a named step; the SDK error is kept as `cause`. */
export class AwsStepError extends ScpAltError {
  override name = 'AwsStepError';
  constructor(
    readonly step: string,
    cause: unknown,
    detail: string = errorText(cause),
  ) {
    super(codeOfAwsError(cause), `${step}: ${detail}`, { cause });
  }
}

/**
 * Deregistration met an Identity Center role carrying our boundary through its permission set: IAM
 * lets nobody else take it off, and taking it off the permission set would loosen every other
 * account it is provisioned to.
 */
export class PermissionSetStillAssignedError extends ScpAltError {
  override name = 'PermissionSetStillAssignedError';
  constructor(roleArn: string, permissionSet: string) {
    super(
      'PERMISSION_SET_STILL_ASSIGNED',
      `${roleArn} carries scp-enforce-policy through Identity Center permission set ${permissionSet}; remove the account's assignments of ${permissionSet}, then deregister again (nothing was detached)`,
    );
  }
}

/** Organizations could not be asked where an account is; nothing is enrolled from a guess. */
export class OrganizationLookupError extends ScpAltError {
  override name = 'OrganizationLookupError';
  constructor(accountId: string, cause: unknown) {
    super(
      'ORGANIZATION_LOOKUP_FAILED',
      `account ${accountId}: Organizations could not be read (${errorText(cause)}); nothing was enrolled`,
      { cause },
    );
  }
}

/** Refused at enrollment: Organizations does not know the account, or the OU does not hold it. */
export class NotInOrganizationError extends ScpAltError {
  override name = 'NotInOrganizationError';
  constructor(
    code: 'ACCOUNT_NOT_IN_ORGANIZATION' | 'OU_DOES_NOT_CONTAIN_ACCOUNT',
    readonly accountId: string,
    message: string,
  ) {
    super(code, message);
  }
}

export class RecordConflictError extends ScpAltError {
  override name = 'RecordConflictError';
  constructor(accountId: string, cause?: unknown) {
    super('RECORD_CONFLICT', `account record ${accountId} changed concurrently`, { cause });
  }
}

/** The account's write lease stayed with another invocation for as long as this one could wait. */
export class WriteLeaseBusyError extends ScpAltError {
  override name = 'WriteLeaseBusyError';
  constructor(accountId: string, owner: string) {
    super('WRITE_LEASE_BUSY', `account ${accountId}: its policy is being written by ${owner}`);
  }
}

/** Something must be looked at again later: the queue delivers it again after its visibility timeout. */
export class RetryLaterError extends ScpAltError {
  override name = 'RetryLaterError';
  constructor(message: string, cause?: unknown) {
    super('RETRY_LATER', message, cause === undefined ? undefined : { cause });
  }
}

/**
 * The invocation is about to time out: a handler answers before Lambda stops it ('stopped'), or a
 * fan-out stops starting accounts ('not started'), which are then recorded FAILED with this message
 * so replay and the reconciler pick them up.
 */
export class DeadlineError extends ScpAltError {
  override name = 'DeadlineError';
  constructor(remainingMs: number, what: 'stopped' | 'not started') {
    super(
      'DEADLINE_EXCEEDED',
      `deadline reached: ${what} ${Math.round(remainingMs / 1000)} s before the function timeout`,
    );
  }
}

/** A customer boundary could not be intersected with ours; the principal keeps what it has. */
export class DerivedBoundaryError extends ScpAltError {
  override name = 'DerivedBoundaryError';
  constructor(
    readonly customerPolicyArn: string,
    reason: string,
  ) {
    super('DERIVED_BOUNDARY_FAILED', `derived boundary for ${customerPolicyArn}: ${reason}`);
  }
}

/** A principal that could not take every additional policy of its account. */
export interface PrincipalShortOfPolicies {
  principalArn: string;
  /** Names of the additional policies it lacks. */
  missing: string[];
}

/** How many principals the message names; the notice's details name every one. */
const NAMED_IN_MESSAGE = 5;

/**
 * Principals that hold their quota of attached managed policies and so could not take the
 * additional policies. They keep the boundary (and whatever additional policies did fit).
 */
export class AttachmentQuotaError extends ScpAltError {
  override name = 'AttachmentQuotaError';
  /** One line per principal, for the notice. */
  readonly details: string[];
  constructor(
    readonly accountId: string,
    readonly principals: PrincipalShortOfPolicies[],
  ) {
    const named = principals.slice(0, NAMED_IN_MESSAGE).map((entry) => entry.principalArn);
    const more =
      principals.length > NAMED_IN_MESSAGE ? ` and ${principals.length - NAMED_IN_MESSAGE} more` : '';
    const missing = [...new Set(principals.flatMap((entry) => entry.missing))];
    super(
      'ATTACHMENT_QUOTA_FULL',
      `account ${accountId}: ${principals.length} principal(s) hold their quota of attached managed policies and lack ${missing.join(', ')}: ${named.join(', ')}${more}`,
    );
    this.details = principals.map((entry) => `${entry.principalArn}: lacks ${entry.missing.join(', ')}`);
  }
}

/**
 * An event that can never succeed however often it is delivered (not JSON, not the shape the
 * function is for, a key that does not decode): reported once and acknowledged, never retried.
 */
export class InputRejectedError extends ScpAltError {
  override name = 'InputRejectedError';
  constructor(what: string) {
    super('INPUT_REJECTED', what);
  }
}

/**
 * The ARN of the role an AssumeRole refusal (AccessDenied) names, when `error` is one: tells "the
 * organization access role of this account is gone or refuses us" from every other failure.
 */
export function refusedRoleArn(error: unknown): string | undefined {
  if (!(error instanceof ScpAltError) || error.code !== 'ASSUME_ROLE_FAILED') return undefined;
  const roleArn = (error as { roleArn?: unknown }).roleArn;
  return typeof roleArn === 'string' && isAccessDenied(error.cause) ? roleArn : undefined;
}

/** Runs one step of a flow; an error that is not already ours becomes an AwsStepError naming it. */
export async function inStep<T>(step: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw error instanceof ScpAltError ? error : new AwsStepError(step, error);
  }
}

/** The step a failure happened in, for notices: AWS steps name themselves, policy errors are compile errors. */
export function stepOf(error: unknown, fallback: string): string {
  if (error instanceof AwsStepError) return error.step;
  if (error instanceof PolicyInvalidError || error instanceof NoPolicyAppliesError) return 'compile';
  return fallback;
}

export function describeFinding(finding: PolicyFinding): string {
  const where = [finding.file, finding.path].filter((part) => part.length > 0).join(' ');
  return `${where ? `${where}: ` : ''}${finding.message} [${finding.code}]`;
}

/** Stable code for anything thrown: our own code, or a mapping of the SDK error name. */
export function codeOf(error: unknown): ErrorCode {
  return codeOfAwsError(error);
}

function codeOfAwsError(error: unknown): ErrorCode {
  if (error instanceof ScpAltError) return error.code;
  if (isAccessDenied(error)) return 'ACCESS_DENIED';
  const name = awsErrorName(error);
  return name.length > 0 && name !== 'Error' ? 'AWS_CALL_FAILED' : 'UNEXPECTED';
}

export function errorText(error: unknown): string {
  if (error instanceof Error)
    return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}
