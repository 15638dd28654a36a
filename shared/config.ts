import { z } from 'zod';
import { partitionInfo, partitionOfRegion } from './policy/partition.ts';
import { ORGANIZATION_PLACE } from './policy/place-ids.ts';
import { isTrailName } from './policy/trail-reference.ts';
import { stackSetsAdministrationArns } from './policy/trust-admissions.ts';
import { DEFAULT_MAX_ADDITIONAL_POLICIES } from './policy/types.ts';
import { DEFAULT_STANDALONE_ROLE_NAME } from './policy/virtual-ou.ts';

/**
 * Deployment configuration, read once per container from the environment. A missing or malformed
 * variable fails the cold start with a message naming it, rather than failing later mid-run.
 * serverless.yml sets exactly these variables (test/unit/deploy checks that).
 */
const csv = z
  .string()
  .default('')
  .transform((text) =>
    text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );
/** The most managed policies IAM lets one user or role hold, once raised on request. */
const MAX_ATTACHED_POLICIES_QUOTA = 20;
const accountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit account id');
const IAM_NAME = /^[\w+=,.@-]{1,64}$/;

const EnvSchema = z.object({
  AWS_REGION: z.string().min(1),
  /** Overrides the partition derived from AWS_REGION (rarely needed). */
  SCP_PARTITION: z.string().optional(),
  SECURITY_ACCOUNT_ID: accountId,
  MANAGEMENT_ACCOUNT_ID: accountId,
  MANAGEMENT_ROLE_NAME: z.string().min(1),
  ORGANIZATION_ACCESS_ROLE_NAME: z.string().min(1).default('OrganizationAccountAccessRole'),
  /** Optional ExternalId required by the management role's trust policy. */
  MANAGEMENT_ROLE_EXTERNAL_ID: z.string().optional(),
  WHITELIST_ROLE_NAMES: csv,
  AUTOMATION_ROLE_ARNS: csv,
  POLICY_BUCKET: z.string().min(3),
  ACCOUNTS_TABLE: z.string().min(1),
  FAILURE_TOPIC_ARN: z.string().startsWith('arn:'),
  /** The security account's event bus that member accounts forward IAM events to. */
  EVENT_BUS_ARN: z.string().startsWith('arn:'),
  ORGANIZATION_ID: z.string().optional(),
  REQUIRE_BOUNDARY_ON_CREATE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  /** Accounts updated in parallel by one fan-out run inline (and by one account worker batch). */
  FANOUT_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(16),
  /** The account work queue; unset, every fan-out runs inline in the function that started it. */
  ACCOUNT_WORK_QUEUE_URL: z.url().optional(),
  /** Its dead-letter queue, which replay re-drives. */
  ACCOUNT_WORK_DEAD_LETTER_QUEUE_URL: z.url().optional(),
  /**
   * A fan-out reaching at most this many accounts runs inline (one worker batch's worth of work,
   * without the queue's hop); a larger one is queued, one message per account. 0: always queued.
   */
  ACCOUNT_WORK_INLINE_MAX: z.coerce.number().int().min(0).max(1000).default(10),
  /**
   * Deny-only policies scp-enforce-policy-2, … attached beside the boundary when a chain needs
   * them; each takes one of a principal's attached-policy slots (10 by default, 20 at most).
   */
  MAX_ADDITIONAL_POLICIES: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_ATTACHED_POLICIES_QUOTA - 1)
    .default(DEFAULT_MAX_ADDITIONAL_POLICIES),
  /**
   * maxReceiveCount of the queues in front of the functions: a message failing on this receive
   * goes to the dead-letter queue, so that is when its failure is notified.
   */
  QUEUE_MAX_RECEIVE_COUNT: z.coerce.number().int().min(1).max(1000).default(5),
  /**
   * The principals a whitelisted role's trust may admit (empty: the management account's StackSets
   * administration roles); anything else is reported, and with `refuse` stops enrollment.
   */
  WHITELIST_TRUST_ALLOWED_ARNS: csv,
  WHITELIST_TRUST_CHECK: z.enum(['report', 'refuse']).default('report'),
  /**
   * Customer trail names protected in every account enrolled without its own list (names only: an
   * ARN names one account's trail).
   */
  PROTECTED_TRAILS: csv.refine(
    (trails) => trails.every(isTrailName),
    'must be trail names (3-128 letters, digits, . _ -), comma-separated',
  ),
  /** Regions searched for Lambda functions and stacks that run as exempt roles (empty: see below). */
  COMPUTE_AUDIT_REGIONS: csv,
  /**
   * Region of the organization's Identity Center instance (permission sets are written only there);
   * empty: the function's region. `off`: Identity Center permission sets are not governed.
   */
  IDENTITY_CENTER_REGION: z.string().default(''),
  /**
   * Set only by local stacks (the SDK reads it too; no deployment sets it): a custom-resource
   * answer may then go to a loopback address, which production never accepts.
   */
  AWS_ENDPOINT_URL: z.string().optional(),
  /** OUs (ou-…) or roots (r-…) whose arriving accounts are enrolled automatically; empty = none. */
  AUTO_ENROLL_TARGETS: csv.pipe(z.array(z.string().regex(ORGANIZATION_PLACE, 'must be ou-… or r-… ids'))),
  /** What happens to an account enrolled automatically when it leaves those OUs. */
  AUTO_ENROLL_MOVED_OUT: z.enum(['keep', 'deregister']).default('keep'),
  /** Whether an automatic enrollment also creates the scp-trail trail (as CreateCloudTrail=yes). */
  AUTO_ENROLL_CREATE_CLOUDTRAIL: z
    .enum(['yes', 'no', 'true', 'false'])
    .default('yes')
    .transform((value) => value === 'yes' || value === 'true'),
  /**
   * Accounts outside the organization that may be enrolled as standalone accounts: the security bus
   * admits their forwarding role, and scp-alt reaches them through their standalone access role.
   */
  STANDALONE_ACCOUNT_IDS: csv.pipe(z.array(accountId)),
  /** The role a standalone account deploys for scp-alt (templates/standalone-account-role.yaml). */
  STANDALONE_ROLE_NAME: z.string().regex(IAM_NAME).default(DEFAULT_STANDALONE_ROLE_NAME),
  /** Whether the management account itself may be enrolled (README, The management account). */
  ENROLL_MANAGEMENT_ACCOUNT: z
    .enum(['yes', 'no', 'true', 'false'])
    .default('no')
    .transform((value) => value === 'yes' || value === 'true'),
  /**
   * Exact names of the management account's break-glass users and roles: never bounded, protected
   * like every exempt principal. No globs: a pattern would exempt names nobody has chosen yet.
   */
  MANAGEMENT_BREAK_GLASS_NAMES: csv.pipe(
    z.array(z.string().regex(IAM_NAME, 'must be exact IAM user or role names (no wildcards)')),
  ),
});

/** Names of the variables loadConfig reads (test/unit/deploy compares serverless.yml with them). */
export const CONFIG_VARIABLE_NAMES: readonly string[] = Object.keys(EnvSchema.shape);

export interface AppConfig {
  region: string;
  partition: string;
  iamEventsRegion: string;
  securityAccountId: string;
  managementAccountId: string;
  managementRoleName: string;
  managementRoleExternalId: string | undefined;
  organizationAccessRoleName: string;
  whitelistRoleNames: string[];
  automationRoleArns: string[];
  policyBucket: string;
  accountsTable: string;
  failureTopicArn: string;
  eventBusArn: string;
  organizationId: string | undefined;
  requireBoundaryOnCreate: boolean;
  fanoutConcurrency: number;
  /** Both set, or neither (then every fan-out runs inline). */
  accountWorkQueue: { url: string; deadLetterUrl: string } | undefined;
  accountWorkInlineMax: number;
  maxAdditionalPolicies: number;
  queueMaxReceiveCount: number;
  /** Principals a whitelisted role's trust may admit; never empty (see loadConfig). */
  whitelistTrustAllowedArns: string[];
  whitelistTrustCheck: 'report' | 'refuse';
  protectedTrails: string[];
  computeAuditRegions: string[];
  /** Where permission sets are read and written; undefined: not governed (IDENTITY_CENTER_REGION=off). */
  identityCenterRegion: string | undefined;
  /** The endpoint of a local stack; undefined in every deployment. */
  localEndpoint: string | undefined;
  arrivals: ArrivalSettings;
  managementAccount: ManagementAccountSettings;
  standaloneRoleName: string;
  standaloneAccountIds: string[];
}

/** The management account's opt-in enrollment (README, The management account). */
export interface ManagementAccountSettings {
  enrollable: boolean;
  /** scp-alt's own role there: it enrolls the account, so it stays exempt. */
  roleName: string;
  breakGlassNames: string[];
}

/** Which arriving accounts the organization-event path enrolls by itself (README, Arrivals). */
export interface ArrivalSettings {
  /** OUs or roots: an account anywhere below one of them is enrolled when it arrives. Empty = off. */
  targets: string[];
  /** An account enrolled automatically that moves out of every target: deregistered, or kept. */
  movedOut: 'keep' | 'deregister';
  createCloudTrail: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const partition = e.SCP_PARTITION ?? partitionOfRegion(e.AWS_REGION);
  const iamEventsRegion = partitionInfo(partition).iamEventsRegion;
  return {
    region: e.AWS_REGION,
    partition,
    iamEventsRegion,
    securityAccountId: e.SECURITY_ACCOUNT_ID,
    managementAccountId: e.MANAGEMENT_ACCOUNT_ID,
    managementRoleName: e.MANAGEMENT_ROLE_NAME,
    managementRoleExternalId: e.MANAGEMENT_ROLE_EXTERNAL_ID,
    organizationAccessRoleName: e.ORGANIZATION_ACCESS_ROLE_NAME,
    whitelistRoleNames: e.WHITELIST_ROLE_NAMES,
    automationRoleArns: e.AUTOMATION_ROLE_ARNS,
    policyBucket: e.POLICY_BUCKET,
    accountsTable: e.ACCOUNTS_TABLE,
    failureTopicArn: e.FAILURE_TOPIC_ARN,
    eventBusArn: e.EVENT_BUS_ARN,
    organizationId: e.ORGANIZATION_ID,
    requireBoundaryOnCreate: e.REQUIRE_BOUNDARY_ON_CREATE,
    fanoutConcurrency: e.FANOUT_CONCURRENCY,
    accountWorkQueue: accountWorkQueueOf(e.ACCOUNT_WORK_QUEUE_URL, e.ACCOUNT_WORK_DEAD_LETTER_QUEUE_URL),
    accountWorkInlineMax: e.ACCOUNT_WORK_INLINE_MAX,
    maxAdditionalPolicies: e.MAX_ADDITIONAL_POLICIES,
    queueMaxReceiveCount: e.QUEUE_MAX_RECEIVE_COUNT,
    whitelistTrustAllowedArns:
      e.WHITELIST_TRUST_ALLOWED_ARNS.length > 0
        ? e.WHITELIST_TRUST_ALLOWED_ARNS
        : stackSetsAdministrationArns(partition, e.MANAGEMENT_ACCOUNT_ID),
    whitelistTrustCheck: e.WHITELIST_TRUST_CHECK,
    protectedTrails: e.PROTECTED_TRAILS,
    // Lambda functions and stacks are regional: by default where scp-alt runs and where the
    // partition's IAM events arrive; operators with compute elsewhere list those regions.
    computeAuditRegions:
      e.COMPUTE_AUDIT_REGIONS.length > 0
        ? e.COMPUTE_AUDIT_REGIONS
        : [...new Set([e.AWS_REGION, iamEventsRegion])],
    identityCenterRegion:
      e.IDENTITY_CENTER_REGION === 'off' ? undefined : e.IDENTITY_CENTER_REGION || e.AWS_REGION,
    localEndpoint: e.AWS_ENDPOINT_URL,
    arrivals: {
      targets: e.AUTO_ENROLL_TARGETS,
      movedOut: e.AUTO_ENROLL_MOVED_OUT,
      createCloudTrail: e.AUTO_ENROLL_CREATE_CLOUDTRAIL,
    },
    standaloneRoleName: e.STANDALONE_ROLE_NAME,
    standaloneAccountIds: e.STANDALONE_ACCOUNT_IDS,
    managementAccount: {
      enrollable: e.ENROLL_MANAGEMENT_ACCOUNT,
      roleName: e.MANAGEMENT_ROLE_NAME,
      breakGlassNames: e.MANAGEMENT_BREAK_GLASS_NAMES,
    },
  };
}

function accountWorkQueueOf(
  url: string | undefined,
  deadLetterUrl: string | undefined,
): AppConfig['accountWorkQueue'] {
  if (url && deadLetterUrl) return { url, deadLetterUrl };
  if (url || deadLetterUrl)
    throw new ConfigError(
      'invalid configuration: ACCOUNT_WORK_QUEUE_URL and ACCOUNT_WORK_DEAD_LETTER_QUEUE_URL are set together or not at all',
    );
  return undefined;
}
