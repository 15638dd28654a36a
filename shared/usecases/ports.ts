/**
 * Ports: what the use cases need from AWS, in domain terms. Types only. The adapters beside this
 * file implement them with the SDK; test/unit/fakes implements them in memory.
 */
import type { ManagedPolicyDocument, PolicySource } from '#policy/types.ts';
import type { ErrorCode } from '#shared/errors.ts';

export type PrincipalKind = 'user' | 'role';

/** Identifies a user or role inside one member account. */
export interface PrincipalRef {
  kind: PrincipalKind;
  name: string;
}

export interface Principal extends PrincipalRef {
  arn: string;
  /** IAM path, e.g. '/' or '/aws-service-role/'. */
  path: string;
}

export interface PrincipalState extends Principal {
  /** ARN of the permissions boundary, undefined when the principal has none. */
  boundaryArn: string | undefined;
}

/** What a managed policy can be attached to: users and roles (ours to bound), groups (someone else's doing). */
export interface PolicyHolder {
  kind: PrincipalKind | 'group';
  name: string;
}

/** 'quota-full': the principal already holds its quota of attached managed policies (10 by default). */
export type AttachOutcome = 'attached' | 'quota-full';

export interface BoundaryPolicyVersion {
  policyArn: string;
  versionId: string;
  document: ManagedPolicyDocument;
}

export interface WriteBoundaryOptions {
  /** Defaults to scp-enforce-policy. */
  policyName?: string;
  /**
   * The default version as last written or read (e.g. the account record's), which lets the
   * write skip listing the versions; a wrong value only costs the listing after all.
   */
  lastVersionId?: string | undefined;
}

/**
 * scp-enforce-policy and the boundaries of principals in member accounts. `policyName` defaults to
 * scp-enforce-policy; the additional policies (scp-enforce-policy-2, …) and the derived policies
 * (scp-enforce-policy-<hash>) are the only other names used.
 */
export interface BoundaryIamPort {
  /** ARN of scp-enforce-policy (or another policy of ours) in the account (no AWS call). */
  policyArnFor(accountId: string, policyName?: string): string;
  /** Default version of the policy, undefined when the policy does not exist. */
  readBoundaryPolicy(accountId: string, policyName?: string): Promise<BoundaryPolicyVersion | undefined>;
  /** Creates the policy, or adds one default version (pruning the oldest at the version limit). */
  writeBoundaryPolicy(
    accountId: string,
    document: ManagedPolicyDocument,
    options?: WriteBoundaryOptions,
  ): Promise<{ policyArn: string; versionId: string }>;
  /** Deletes the policy and its versions; a missing policy is not an error. */
  deleteBoundaryPolicy(accountId: string, policyName?: string): Promise<void>;
  /**
   * Default version document of any managed policy visible in the account (a customer's boundary,
   * possibly AWS managed); undefined when it does not exist. Never written by scp-alt.
   */
  readManagedPolicy(accountId: string, policyArn: string): Promise<ManagedPolicyDocument | undefined>;
  listPrincipals(accountId: string): Promise<Principal[]>;
  /** Undefined when the principal does not exist (after eventual-consistency retries). */
  readPrincipal(accountId: string, ref: PrincipalRef): Promise<PrincipalState | undefined>;
  attachBoundary(accountId: string, ref: PrincipalRef, policyArn: string): Promise<void>;
  /** A missing principal or boundary is not an error. */
  detachBoundary(accountId: string, ref: PrincipalRef): Promise<void>;
  /** Attaches a managed policy of ours to the principal; attaching it again changes nothing. */
  attachPolicy(accountId: string, ref: PrincipalRef, policyArn: string): Promise<AttachOutcome>;
  /** A missing holder, or a policy not attached to it, is not an error. */
  detachPolicy(accountId: string, holder: PolicyHolder, policyArn: string): Promise<void>;
  /**
   * Who the managed policy is attached to as a permissions policy (not as a boundary); undefined
   * when the policy does not exist.
   */
  listPolicyHolders(accountId: string, policyArn: string): Promise<PolicyHolder[] | undefined>;
}

/** A policy object as listed: the ETag fingerprints its content. */
export interface PolicyObjectSummary {
  key: string;
  etag: string;
  /** The version listed (absent in a bucket that was never versioned). */
  versionId?: string;
}

export interface StoredPolicy extends PolicySource {
  etag: string;
}

/** The policy bucket, restricted to the policy prefix. */
export interface PolicyStorePort {
  /** The current version of every file under the prefix. */
  listPolicyObjects(): Promise<PolicyObjectSummary[]>;
  /**
   * The file as of `versionId` (the listing's), or its current version when none is given.
   * Undefined when it does not exist (deleted since it was listed).
   */
  readPolicy(key: string, versionId?: string): Promise<StoredPolicy | undefined>;
}

/** An account as Organizations lists it. */
export interface OrganizationAccount {
  accountId: string;
  name: string;
  /**
   * Organizations' account state: only an ACTIVE account can be reached. PENDING_ACTIVATION is an
   * account still being created; PENDING_CLOSURE, SUSPENDED and CLOSED are closed ones.
   */
  state: 'ACTIVE' | 'PENDING_ACTIVATION' | 'PENDING_CLOSURE' | 'SUSPENDED' | 'CLOSED';
}

export interface OrganizationUnit {
  id: string;
  name: string;
  /** The root or OU it sits in; undefined for a root. */
  parentId: string | undefined;
}

/** The whole organization at one moment: roots and OUs with names, every account with its parent. */
export interface OrganizationTree {
  /** Roots first, then OUs parents before children. */
  units: OrganizationUnit[];
  accounts: (OrganizationAccount & { parentId: string })[];
}

export interface OrganizationPort {
  /**
   * Root first, then OUs top-down, e.g. ['r-ab12', 'ou-ab12-11111111']; works for an OU id too.
   * Rejects with ChildNotFoundException (or AccountNotFoundException) for an id Organizations does not know.
   */
  ouPathOf(accountId: string): Promise<string[]>;
  /** The account as Organizations describes it; undefined when it is not (or no longer) a member. */
  describeAccount(accountId: string): Promise<OrganizationAccount | undefined>;
  /** Every root, OU and account, read page by page (ListRoots, then per parent its OUs and accounts). */
  readTree(): Promise<OrganizationTree>;
  /** The organization's root (ListRoots): the first level of a standalone account's chain too. */
  rootId(): Promise<string>;
}

/**
 * UNREACHABLE: the account left the organization, was closed or suspended, or its organization
 * access role cannot be assumed. The record is kept (it says what may be left in the account),
 * reconcile and replay leave it alone, and one notice was sent when it became so.
 */
export type AccountStatus = 'ENROLLING' | 'ACTIVE' | 'FAILED' | 'DEREGISTERING' | 'UNREACHABLE';

/**
 * `member`: in the organization, reached through its organization access role and placed by
 * Organizations. `standalone`: outside it, reached directly through the standalone access role
 * with the external id registered for it, and placed by its record under a virtual OU.
 */
export type AccountKind = 'member' | 'standalone';

/** Who enrolled the account, so that two paths never fight over it (docs/glossary.md, owner). */
export type EnrollmentOwner = 'service-catalog' | 'cli' | 'auto';

/** One additional policy as last written into a member account. */
export interface DeployedPolicy {
  /** scp-enforce-policy-2, -3, … */
  name: string;
  /** Its default version as last written. */
  versionId: string;
  /** policyHash of the content written: an unchanged policy costs no write. */
  hash: string;
}

/** One enrolled account as stored (attribute names in account-store.ts). */
export interface AccountRecord {
  accountId: string;
  managementAccountId: string;
  ouId: string;
  ouPath: string[];
  /**
   * Customer boundaries found on principals (policy ARNs, ScpCustomPolicyList). Those principals
   * carry the derived policy scp-enforce-policy-<hash of the ARN>: the customer's statements plus
   * our denies.
   */
  customerBoundaryArns: string[];
  /** Keys of the policy files compiled into the current boundary, root → account. */
  policyFileKeys: string[];
  /** ISO-8601 UTC time of the last change to this record. */
  updatedAt: string;
  compiledHash: string | undefined;
  boundaryVersionId: string | undefined;
  /**
   * policyHash of the boundary alone as last written (compiledHash covers the additional policies
   * too); undefined in records written before additional policies were deployed.
   */
  boundaryHash?: string | undefined;
  /** The additional policies deployed beside the boundary, in attachment order (empty when none). */
  additionalPolicies: DeployedPolicy[];
  status: AccountStatus;
  lastError: string | undefined;
  createCloudTrail: boolean;
  /**
   * Customer trails (names or ARNs) the boundary protects in this account, as enrollment resolved
   * them (its request, else the deployment default).
   */
  protectedTrails?: string[];
  /**
   * The Service Catalog provisioned product stack that enrolled the account: an Update or Delete
   * from any other stack is refused. Unset for accounts enrolled by the CLI.
   */
  stackId?: string | undefined;
  /** Who enrolled it: only that path deregisters it (records written before owners existed: service-catalog). */
  enrolledBy: EnrollmentOwner;
  /** Records written before standalone accounts existed are members. */
  kind?: AccountKind;
  /** The ExternalId its standalone access role demands (standalone accounts only). */
  externalId?: string | undefined;
  /** Optimistic-lock counter; incremented by every save. */
  revision: number;
  /** Held while one invocation writes the account's policy (write-lease.ts). */
  writeLease?: WriteLease | undefined;
  /**
   * When the policy-store listing the deployed boundary was compiled from was taken (epoch ms): a
   * writer whose listing is older never replaces it (write-lease.ts).
   */
  appliedListedAtMs?: number | undefined;
}

export interface WriteLease {
  owner: string;
  /** Epoch ms after which the lease counts as abandoned. */
  untilMs: number;
}

export interface AccountStorePort {
  get(accountId: string): Promise<AccountRecord | undefined>;
  /**
   * Saves the record if the stored revision still equals `expectedRevision` (undefined = the
   * record must not exist yet). Returns the record as saved (revision + 1). Throws
   * RecordConflictError when another writer got there first.
   */
  save(record: AccountRecord, expectedRevision: number | undefined): Promise<AccountRecord>;
  delete(accountId: string): Promise<void>;
  listAll(): Promise<AccountRecord[]>;
}

/** The roots and OUs as the reconciler last saw them, to tell which were created, renamed or deleted since. */
export interface OrganizationView {
  /** ISO-8601 UTC time of the read. */
  seenAt: string;
  units: OrganizationUnit[];
}

/** Where the reconciler keeps the organization view between runs (one item of the account table). */
export interface OrganizationViewPort {
  read(): Promise<OrganizationView | undefined>;
  save(view: OrganizationView): Promise<void>;
}

/** Everything an operator needs to act on one failure. */
export interface FailureNotice {
  code: ErrorCode;
  step: string;
  reason: string;
  accountId?: string;
  file?: string;
  /** Extra lines (findings, per-account results). */
  details?: string[];
}

export interface NotifierPort {
  notify(notice: FailureNotice): Promise<void>;
}

export interface ForwardingOptions {
  createCloudTrail: boolean;
  /**
   * Customer trails that are to carry the IAM events when scp-alt creates none: each must exist
   * and log in the IAM events region, or forwarding would never fire.
   */
  protectedTrails?: readonly string[];
}

/** Member-account plumbing that forwards IAM events to the security account's bus. */
export interface ForwardingPort {
  ensureForwarding(accountId: string, options: ForwardingOptions): Promise<void>;
  removeForwarding(accountId: string, options: ForwardingOptions): Promise<void>;
}

/** A role of a member account with its trust policy (parsed JSON). */
export interface RoleTrust {
  arn: string;
  name: string;
  path: string;
  trustPolicy: unknown;
}

export type ComputeKind = 'lambda-function' | 'instance-profile' | 'cloudformation-stack';

/** Compute that runs as (or hands out the credentials of) a role. */
export interface RoleUse {
  kind: ComputeKind;
  /** ARN of the function, instance profile or stack. */
  arn: string;
  roleArn: string;
}

export interface ComputeInventory {
  uses: RoleUse[];
  /** What could not be read (`lambda in eu-west-1: AccessDenied …`): not known to be clean. */
  unread: string[];
}

/**
 * Reads of a member account that look for ways around the boundary it cannot close itself:
 * trust policies of roles, and compute that runs as a given role.
 */
export interface MemberInventoryPort {
  listRoleTrusts(accountId: string): Promise<RoleTrust[]>;
  /** Lambda functions and CloudFormation stacks in `regions`, and instance profiles (global). */
  computeUsingRoles(
    accountId: string,
    roleArns: readonly string[],
    regions: readonly string[],
  ): Promise<ComputeInventory>;
}

// Identity Center (usecases/identity-center.ts), in domain words.

/** A customer-managed policy named by reference: the policy of that name and path in each account. */
export interface PolicyReference {
  name: string;
  path: string;
}

export type PermissionSetBoundary =
  | ({ kind: 'reference' } & PolicyReference)
  | { kind: 'managed'; policyArn: string };

export interface PermissionSetRef {
  instanceArn: string;
  arn: string;
}

export interface PermissionSet extends PermissionSetRef {
  name: string;
  boundary: PermissionSetBoundary | undefined;
  customerPolicies: PolicyReference[];
  /** The accounts it is provisioned to: each holds its AWSReservedSSO_<name>_<hash> role. */
  accountIds: string[];
}

/** One account whose provisioning failed, with Identity Center's reason. */
export interface ProvisioningFailure {
  accountId: string;
  reason: string;
}

/**
 * The Identity Center instance of the organization, reached from the management account (or the
 * delegated administrator) in the instance's Region, where permission sets can be written.
 */
export interface IdentityCenterPort {
  /** Every permission set of every instance the caller can see, with what it references. */
  listPermissionSets(): Promise<PermissionSet[]>;
  setBoundary(set: PermissionSetRef, reference: PolicyReference): Promise<void>;
  attachPolicyReference(set: PermissionSetRef, reference: PolicyReference): Promise<void>;
  /** Re-provisions to each account and waits for the outcome; answers the accounts that failed. */
  provision(set: PermissionSetRef, accountIds: readonly string[]): Promise<ProvisioningFailure[]>;
}

export interface Log {
  debug(message: string, attributes?: Record<string, unknown>): void;
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

/** Why an account is to be synced by the account worker. */
export type AccountWorkReason = 'policy-change' | 'replay' | 'reconcile';

/** Where Organizations has an account now (organization-membership.ts decides what follows). */
export type Placement =
  /** An active member; its OU path, root first. */
  | { kind: 'member'; ouPath: string[] }
  /** Still being created (PENDING_ACTIVATION): not reachable yet. */
  | { kind: 'arriving' }
  /** Closing or closed (PENDING_CLOSURE, SUSPENDED, CLOSED): never reachable again from here. */
  | { kind: 'closed'; state: OrganizationAccount['state'] }
  /** Not a member: removed, left, or never was. */
  | { kind: 'gone' };

/** One account's share of a fan-out, as a message on the account work queue. */
export interface AccountWorkItem {
  accountId: string;
  reason: AccountWorkReason;
  /** Policy file whose change this is, named in notices. */
  file?: string;
  /** reconcile: where Organizations placed the account when the run read the tree (absent: not read). */
  placement?: Placement;
}

/** A message the account work queue gave up on; its body as sent, and what deletes it. */
export interface DeadLetter {
  /** undefined when the body is not an account work item (reported, then deleted). */
  item: AccountWorkItem | undefined;
  body: string;
  receiptHandle: string;
}

/** The account work queue (and its dead-letter queue) between a fan-out and the account worker. */
export interface AccountWorkQueuePort {
  /** One message per item; throws when any message could not be sent. */
  enqueue(items: readonly AccountWorkItem[]): Promise<void>;
  /** Up to `max` dead letters, hidden from other readers while this run replays them. */
  receiveDeadLetters(max: number): Promise<DeadLetter[]>;
  deleteDeadLetters(letters: readonly DeadLetter[]): Promise<void>;
}

/** All ports a use case may need; each use case takes this bundle. */
export interface ScpAltPorts {
  iam: BoundaryIamPort;
  policyStore: PolicyStorePort;
  organization: OrganizationPort;
  accounts: AccountStorePort;
  notifier: NotifierPort;
  forwarding: ForwardingPort;
  inventory: MemberInventoryPort;
  organizationView: OrganizationViewPort;
  /** The organization's Identity Center instance; absent where it is not governed (tests, no instance). */
  identityCenter?: IdentityCenterPort;
  /** Absent where no queue is deployed (the CLI, unit worlds): every fan-out then runs inline. */
  accountWork?: AccountWorkQueuePort;
}
