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
  'organization-event-dispatcher',
  'reconciler',
  'account-worker',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/**
 * The functions that enroll accounts: they may add the source-identity statement to an
 * organization access role that lacks it (shared/aws/source-identity-trust.ts; iam:GetRole and
 * iam:UpdateAssumeRolePolicy in the member account, both in ENROLL_AND_DEREGISTER).
 */
export const MENDS_MEMBER_TRUST: readonly FunctionName[] = [
  'account-register',
  'organization-event-dispatcher',
];

/**
 * The functions that reconcile accounts, inline or from the account work queue: they audit compute
 * running as exempt roles (functions, instance profiles, stacks; AUDIT_EXEMPT_COMPUTE), so they
 * are wired with a reader of each region's compute.
 */
export const READS_EXEMPT_COMPUTE: readonly FunctionName[] = ['reconciler', 'account-worker'];

// Building blocks, named by the code path that makes the calls.
/**
 * The first hop of the role chain (credentials.ts), from the function's own role: unmarked, except
 * the session acting in the management account enrolled (marked like a member hop).
 */
const ASSUME_MANAGEMENT_ROLE = ['sts:AssumeRole', 'sts:SetSourceIdentity'];
/**
 * The second hop, made with the management role's session, with our SourceIdentity
 * (policy/own-sessions.ts): STS authorizes sts:SetSourceIdentity beside AssumeRole.
 */
const ASSUME_MEMBER_ROLE = ['sts:AssumeRole', 'sts:SetSourceIdentity'];
/**
 * policy-store.ts: ListObjectVersions (paginated), then GetObject of the version listed (a file
 * written before the bucket was versioned has none and is read as it is).
 */
const READ_POLICY_STORE = ['s3:ListBucketVersions', 's3:GetObject', 's3:GetObjectVersion'];
/** notifier.ts */
const NOTIFY = ['sns:Publish'];
/** account-work-queue.ts enqueue: SendMessageBatch is authorized as sqs:SendMessage. */
const QUEUE_ACCOUNT_WORK = ['sqs:SendMessage'];
/** account-work-queue.ts: replay reads the dead letters and deletes them once replayed. */
const REDRIVE_DEAD_LETTERS = ['sqs:ReceiveMessage', 'sqs:DeleteMessage'];

/** iam-boundary.ts writeBoundaryPolicy (ListPolicyVersions → CreatePolicy | prune + CreatePolicyVersion). */
const WRITE_BOUNDARY_POLICY = [
  'iam:ListPolicyVersions',
  'iam:CreatePolicy',
  'iam:DeletePolicyVersion',
  'iam:CreatePolicyVersion',
];
/**
 * iam-boundary.ts readBoundaryPolicy / readManagedPolicy: our policy, derived ones, and the
 * customer boundaries they are built from (derived-policies.ts).
 */
const READ_BOUNDARY_POLICY = ['iam:GetPolicy', 'iam:GetPolicyVersion'];
/** principal-sweep.ts attachBoundaryToAllPrincipals (ListUsers/ListRoles paginated, Get*, Put*Boundary). */
const SWEEP_PRINCIPALS = [
  'iam:ListUsers',
  'iam:ListRoles',
  'iam:GetUser',
  'iam:GetRole',
  'iam:PutUserPermissionsBoundary',
  'iam:PutRolePermissionsBoundary',
];
/**
 * additional-attachments.ts: who holds each additional policy (ListEntitiesForPolicy, paginated),
 * then an attach where one is missing; iam-event.ts re-attaches one an event says was detached.
 */
const ATTACH_ADDITIONAL_POLICIES = [
  'iam:ListEntitiesForPolicy',
  'iam:AttachUserPolicy',
  'iam:AttachRolePolicy',
];
/**
 * compiled-policies.ts removeAdditionalPolicies: when a chain shrinks, at deregistration, or when
 * the reconciler finds one the chain no longer needs. Groups: someone else may have attached one.
 */
const REMOVE_ADDITIONAL_POLICIES = [
  'iam:ListEntitiesForPolicy',
  'iam:DetachUserPolicy',
  'iam:DetachRolePolicy',
  'iam:DetachGroupPolicy',
  'iam:ListPolicyVersions',
  'iam:DeletePolicyVersion',
  'iam:DeletePolicy',
];
/** forwarding.ts + trail.ts ensureForwarding / removeForwarding. PutTargets with a RoleArn needs PassRole. */
const EVENT_FORWARDING = [
  'iam:CreateRole',
  'iam:UpdateAssumeRolePolicy',
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:DeleteRole',
  'iam:PassRole',
  // DescribeRule: a rule of the StackSets template is left to CloudFormation.
  'events:DescribeRule',
  'events:PutRule',
  'events:PutTargets',
  'events:RemoveTargets',
  'events:DeleteRule',
  'cloudtrail:CreateTrail',
  'cloudtrail:UpdateTrail',
  'cloudtrail:StartLogging',
  'cloudtrail:DeleteTrail',
  // A trail the account names instead of ours must exist and log (trail.ts checkNamedTrails).
  'cloudtrail:DescribeTrails',
  'cloudtrail:GetTrailStatus',
  's3:CreateBucket',
  's3:PutBucketPublicAccessBlock',
  's3:PutBucketPolicy',
];
/**
 * exempt-exposure.ts through member-inventory.ts: roles with their trust (ListRoles, already in
 * SWEEP_PRINCIPALS), and compute that runs as exempt roles.
 */
const AUDIT_EXEMPT_COMPUTE = [
  'iam:ListInstanceProfiles',
  'lambda:ListFunctions',
  'cloudformation:DescribeStacks',
];
/** deregister.ts: detach our boundary, delete the policy (non-default versions first). */
const REMOVE_BOUNDARY = [
  'iam:DeleteUserPermissionsBoundary',
  'iam:DeleteRolePermissionsBoundary',
  'iam:DeletePolicyVersion',
  'iam:DeletePolicy',
];

/**
 * organization.ts placementOf / verifyEnrollmentPlace: DescribeAccount, then ListParents up to the
 * root (also from an OU, to tell an OU that does not exist from one that does not hold the account).
 */
const PLACE_ACCOUNT = ['organizations:DescribeAccount', 'organizations:ListParents'];
/** standalone-accounts.ts verifyStandalonePlace: not a member (DescribeAccount), then the root. */
const PLACE_STANDALONE_ACCOUNT = ['organizations:DescribeAccount', 'organizations:ListRoots'];
/** organization.ts readTree: the reconciler reads the whole tree once per run. */
const READ_ORGANIZATION_TREE = [
  'organizations:ListRoots',
  'organizations:ListOrganizationalUnitsForParent',
  'organizations:ListAccountsForParent',
];
/**
 * identity-center.ts through aws/identity-center.ts: every permission set with its boundary,
 * references and accounts; our boundary and policies by reference; provisioning and its status.
 */
const GOVERN_PERMISSION_SETS = [
  'sso:ListInstances',
  'sso:ListPermissionSets',
  'sso:DescribePermissionSet',
  'sso:ListCustomerManagedPolicyReferencesInPermissionSet',
  'sso:ListAccountsForProvisionedPermissionSet',
  'sso:GetPermissionsBoundaryForPermissionSet',
  'sso:PutPermissionsBoundaryToPermissionSet',
  'sso:AttachCustomerManagedPolicyReferenceToPermissionSet',
  'sso:ProvisionPermissionSet',
  'sso:DescribePermissionSetProvisioningStatus',
];
/** Enroll and deregister in a member account (enroll.ts, deregister.ts). */
const ENROLL_AND_DEREGISTER = [
  ...READ_BOUNDARY_POLICY,
  ...WRITE_BOUNDARY_POLICY,
  ...SWEEP_PRINCIPALS,
  ...ATTACH_ADDITIONAL_POLICIES,
  ...REMOVE_ADDITIONAL_POLICIES,
  ...EVENT_FORWARDING,
  ...REMOVE_BOUNDARY,
];

const unique = (...groups: string[][]): string[] => [...new Set(groups.flat())].sort();

/** A member account brought to its compiled policies (sync-account.ts), by every function that does it. */
const KEEP_ACCOUNT_IN_STEP = unique(
  READ_BOUNDARY_POLICY,
  WRITE_BOUNDARY_POLICY,
  SWEEP_PRINCIPALS,
  ATTACH_ADDITIONAL_POLICIES,
  REMOVE_ADDITIONAL_POLICIES,
);

export const FUNCTION_PERMISSIONS: Record<FunctionName, FunctionPermissions> = {
  'account-register': {
    // Scan: the permission sets of an account just enrolled are weighed against every record.
    own: unique(ASSUME_MANAGEMENT_ROLE, READ_POLICY_STORE, NOTIFY, [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
      'dynamodb:Scan',
    ]),
    // organization.ts: where the account is (DescribeAccount, ListParents up to the root), or for a
    // standalone account that Organizations does not know it, and the root its chain starts from;
    // its Identity Center permission sets (identity-center.ts).
    management: unique(ASSUME_MEMBER_ROLE, PLACE_ACCOUNT, PLACE_STANDALONE_ACCOUNT, GOVERN_PERMISSION_SETS),
    member: unique(ENROLL_AND_DEREGISTER),
  },
  's3-event-dispatcher': {
    // A change reaching more accounts than one worker batch is queued for the account worker.
    own: unique(ASSUME_MANAGEMENT_ROLE, READ_POLICY_STORE, NOTIFY, QUEUE_ACCOUNT_WORK, [
      'dynamodb:Scan',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
    ]),
    management: unique(ASSUME_MEMBER_ROLE),
    member: KEEP_ACCOUNT_IN_STEP,
  },
  'iam-event-dispatcher': {
    // GetItem for the (cached) account record; the rest only when repairing a tampered policy.
    own: unique(ASSUME_MANAGEMENT_ROLE, READ_POLICY_STORE, NOTIFY, ['dynamodb:GetItem', 'dynamodb:PutItem']),
    management: unique(ASSUME_MEMBER_ROLE),
    member: KEEP_ACCOUNT_IN_STEP,
  },
  'organization-event-dispatcher': {
    // DeleteItem: an account enrolled automatically that moves out may be deregistered. Scan: an
    // Identity Center event weighs a permission set's accounts against every record.
    own: unique(ASSUME_MANAGEMENT_ROLE, READ_POLICY_STORE, NOTIFY, [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
      'dynamodb:Scan',
    ]),
    management: unique(ASSUME_MEMBER_ROLE, PLACE_ACCOUNT, GOVERN_PERMISSION_SETS),
    member: unique(ENROLL_AND_DEREGISTER),
  },
  reconciler: {
    // GetItem and PutItem also keep the organization view (organization-view-store.ts). Its replay
    // event re-drives the account work queue's dead letters and queues a large replay.
    own: unique(ASSUME_MANAGEMENT_ROLE, READ_POLICY_STORE, NOTIFY, QUEUE_ACCOUNT_WORK, REDRIVE_DEAD_LETTERS, [
      'dynamodb:Scan',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
    ]),
    management: unique(ASSUME_MEMBER_ROLE, READ_ORGANIZATION_TREE, GOVERN_PERMISSION_SETS),
    member: unique(KEEP_ACCOUNT_IN_STEP, AUDIT_EXEMPT_COMPUTE),
  },
  'account-worker': {
    // One account per message, as the inline fan-out of s3-event-dispatcher syncs it or the
    // reconciler's repairs it: a queued reconcile also audits exempt compute and, where it found
    // Identity Center roles without our boundary, provisions their permission sets again.
    // Scan: a permission set's accounts are weighed against every record.
    own: unique(ASSUME_MANAGEMENT_ROLE, READ_POLICY_STORE, NOTIFY, [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Scan',
    ]),
    management: unique(ASSUME_MEMBER_ROLE, GOVERN_PERMISSION_SETS),
    member: unique(KEEP_ACCOUNT_IN_STEP, AUDIT_EXEMPT_COMPUTE),
  },
};
