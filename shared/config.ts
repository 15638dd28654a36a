import { z } from 'zod';
import { partitionInfo, partitionOfRegion } from './policy/partition.ts';
import { DEFAULT_MAX_ADDITIONAL_POLICIES } from './policy/types.ts';

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
  /** Accounts updated in parallel by one fan-out. */
  FANOUT_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(16),
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
  maxAdditionalPolicies: number;
  queueMaxReceiveCount: number;
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
  return {
    region: e.AWS_REGION,
    partition,
    iamEventsRegion: partitionInfo(partition).iamEventsRegion,
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
    maxAdditionalPolicies: e.MAX_ADDITIONAL_POLICIES,
    queueMaxReceiveCount: e.QUEUE_MAX_RECEIVE_COUNT,
  };
}
