/**
 * The options every AWS-touching command shares, and how they become the same AppConfig the
 * Lambdas load: each flag overrides the environment variable of shared/config.ts with that name,
 * and the names a deployment derives (bucket, table, topic, bus) default as serverless.yml
 * derives them.
 */

import { regionalArn } from '#policy/arn.ts';
import { partitionOfRegion } from '#policy/partition.ts';
import { type AppConfig, ConfigError, loadConfig } from '#shared/config.ts';
import { UsageError } from './usage-error.ts';

export const AWS_OPTIONS = {
  profile: { type: 'string' },
  region: { type: 'string' },
  'endpoint-url': { type: 'string' },
  local: { type: 'boolean' },
  stage: { type: 'string' },
  'security-account': { type: 'string' },
  bucket: { type: 'string' },
  table: { type: 'string' },
  'topic-arn': { type: 'string' },
  'event-bus-arn': { type: 'string' },
  'management-account': { type: 'string' },
  'management-role': { type: 'string' },
  'external-id': { type: 'string' },
  'org-role': { type: 'string' },
  whitelist: { type: 'string' },
  'automation-roles': { type: 'string' },
  'no-require-boundary-on-create': { type: 'boolean' },
  'max-additional-policies': { type: 'string' },
  'enroll-management-account': { type: 'boolean' },
  'break-glass': { type: 'string' },
  'standalone-accounts': { type: 'string' },
  'standalone-role': { type: 'string' },
  partition: { type: 'string' },
  verbose: { type: 'boolean' },
} as const;

export const AWS_OPTIONS_HELP = `AWS options (flag, else the environment variable in brackets):
  --profile NAME            shared-config profile [AWS_PROFILE]
  --region NAME             region of the deployment [AWS_REGION, AWS_DEFAULT_REGION, the profile's region]
  --endpoint-url URL        one endpoint for every AWS client, e.g. a local stack [AWS_ENDPOINT_URL]
  --local                   the running \`make local-env\`: its endpoint, region, operator credentials,
                            management account and stage (.scratch/local-env/env.json, or the
                            file SCP_ALT_LOCAL_ENV names, which also implies --local)
  --stage NAME              deployment stage naming the table and topic (default prod) [SCP_ALT_STAGE]
  --security-account ID     account hosting scp-alt (default: the caller's account) [SECURITY_ACCOUNT_ID]
  --bucket NAME             policy bucket (default scp-alt-<security account>) [POLICY_BUCKET]
  --table NAME              account table (default scp-alt-<stage>-accounts) [ACCOUNTS_TABLE]
  --topic-arn ARN           failure topic (default scp-alt-<stage>-failures) [FAILURE_TOPIC_ARN]
  --event-bus-arn ARN       security event bus (default scp-alt-bus) [EVENT_BUS_ARN]
  --management-account ID   management account id [MANAGEMENT_ACCOUNT_ID]
  --management-role NAME    role assumed in the management account
                            (default scp-alt-management-access) [MANAGEMENT_ROLE_NAME]
  --external-id TEXT        ExternalId of that role [MANAGEMENT_ROLE_EXTERNAL_ID]
  --org-role NAME           organization access role in members [ORGANIZATION_ACCESS_ROLE_NAME]
  --whitelist LIST          role/user name globs never bounded (default stacksets-exec-*) [WHITELIST_ROLE_NAMES]
  --automation-roles LIST   role ARNs exempt from the protective denies [AUTOMATION_ROLE_ARNS]
  --no-require-boundary-on-create                             [REQUIRE_BOUNDARY_ON_CREATE=false]
  --max-additional-policies N
                            Deny-only policies beside the boundary, at most (default 4) [MAX_ADDITIONAL_POLICIES]
  --enroll-management-account
                            the management account may be enrolled [ENROLL_MANAGEMENT_ACCOUNT=yes]
  --break-glass LIST        the management account's break-glass user and role names, never
                            bounded [MANAGEMENT_BREAK_GLASS_NAMES]
  --standalone-accounts LIST
                            accounts outside the organization enrolled as standalone [STANDALONE_ACCOUNT_IDS]
  --standalone-role NAME    their scp-alt role (default scp-alt-standalone-access) [STANDALONE_ROLE_NAME]
  --partition NAME          override the partition derived from the region [SCP_PARTITION]
  --verbose                 log what the use cases do (stderr)
Pass the values the deployment uses: the boundary compiled here must equal the deployed one.`;

export type AwsOptionValues = {
  [Name in keyof typeof AWS_OPTIONS]?: (typeof AWS_OPTIONS)[Name]['type'] extends 'boolean'
    ? boolean
    : string;
};

export type Env = Readonly<Record<string, string | undefined>>;

const FLAG_OF_VARIABLE: Record<string, string> = {
  AWS_REGION: '--region',
  SECURITY_ACCOUNT_ID: '--security-account',
  MANAGEMENT_ACCOUNT_ID: '--management-account',
  MANAGEMENT_ROLE_NAME: '--management-role',
  POLICY_BUCKET: '--bucket',
  ACCOUNTS_TABLE: '--table',
  FAILURE_TOPIC_ARN: '--topic-arn',
  EVENT_BUS_ARN: '--event-bus-arn',
  MAX_ADDITIONAL_POLICIES: '--max-additional-policies',
  MANAGEMENT_BREAK_GLASS_NAMES: '--break-glass',
  STANDALONE_ACCOUNT_IDS: '--standalone-accounts',
};

/** Defaults of serverless.yml, so a CLI run compiles what the deployed functions compile. */
const DEPLOYMENT_DEFAULTS = {
  stage: 'prod',
  managementRoleName: 'scp-alt-management-access',
  whitelist: 'stacksets-exec-*',
  busName: 'scp-alt-bus',
};

/** The region the flags or the environment name, if any (the profile's comes from the SDK). */
export function givenRegion(values: AwsOptionValues, env: Env): string | undefined {
  return values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
}

export function regionOf(values: AwsOptionValues, env: Env): string {
  const region = givenRegion(values, env);
  if (!region)
    throw new UsageError('no region: pass --region, set AWS_REGION, or use a profile that names one');
  return region;
}

export interface ConfigNeeds {
  /** False for commands that only read the account table: no management account is reached. */
  managementAccount: boolean;
}

/** The deployment's configuration, validated by the Lambdas' own schema. */
export function operatorConfig(
  values: AwsOptionValues,
  env: Env,
  securityAccountId: string,
  needs: ConfigNeeds,
): AppConfig {
  const region = regionOf(values, env);
  const partition = values.partition ?? env.SCP_PARTITION ?? partitionOfRegion(region);
  const stage = values.stage ?? env.SCP_ALT_STAGE ?? DEPLOYMENT_DEFAULTS.stage;
  const inSecurityAccount = (service: string, resource: string) =>
    regionalArn(partition, service, region, securityAccountId, resource);
  const managementAccount = values['management-account'] ?? env.MANAGEMENT_ACCOUNT_ID;
  const variables: Record<string, string | undefined> = {
    AWS_REGION: region,
    SCP_PARTITION: partition,
    SECURITY_ACCOUNT_ID: securityAccountId,
    // Table-only commands never use it; the security account stands in so the schema holds.
    MANAGEMENT_ACCOUNT_ID: managementAccount ?? (needs.managementAccount ? undefined : securityAccountId),
    MANAGEMENT_ROLE_NAME:
      values['management-role'] ?? env.MANAGEMENT_ROLE_NAME ?? DEPLOYMENT_DEFAULTS.managementRoleName,
    MANAGEMENT_ROLE_EXTERNAL_ID: values['external-id'] ?? env.MANAGEMENT_ROLE_EXTERNAL_ID,
    ORGANIZATION_ACCESS_ROLE_NAME: values['org-role'] ?? env.ORGANIZATION_ACCESS_ROLE_NAME,
    WHITELIST_ROLE_NAMES: values.whitelist ?? env.WHITELIST_ROLE_NAMES ?? DEPLOYMENT_DEFAULTS.whitelist,
    AUTOMATION_ROLE_ARNS: values['automation-roles'] ?? env.AUTOMATION_ROLE_ARNS,
    POLICY_BUCKET: values.bucket ?? env.POLICY_BUCKET ?? `scp-alt-${securityAccountId}`,
    ACCOUNTS_TABLE: values.table ?? env.ACCOUNTS_TABLE ?? `scp-alt-${stage}-accounts`,
    FAILURE_TOPIC_ARN:
      values['topic-arn'] ?? env.FAILURE_TOPIC_ARN ?? inSecurityAccount('sns', `scp-alt-${stage}-failures`),
    EVENT_BUS_ARN:
      values['event-bus-arn'] ??
      env.EVENT_BUS_ARN ??
      inSecurityAccount('events', `event-bus/${DEPLOYMENT_DEFAULTS.busName}`),
    REQUIRE_BOUNDARY_ON_CREATE: values['no-require-boundary-on-create']
      ? 'false'
      : env.REQUIRE_BOUNDARY_ON_CREATE,
    ORGANIZATION_ID: env.ORGANIZATION_ID,
    FANOUT_CONCURRENCY: env.FANOUT_CONCURRENCY,
    // Set both, and `replay` also re-drives the account work queue's dead letters.
    ACCOUNT_WORK_QUEUE_URL: env.ACCOUNT_WORK_QUEUE_URL,
    ACCOUNT_WORK_DEAD_LETTER_QUEUE_URL: env.ACCOUNT_WORK_DEAD_LETTER_QUEUE_URL,
    MAX_ADDITIONAL_POLICIES: values['max-additional-policies'] ?? env.MAX_ADDITIONAL_POLICIES,
    WHITELIST_TRUST_CHECK: env.WHITELIST_TRUST_CHECK,
    WHITELIST_TRUST_ALLOWED_ARNS: env.WHITELIST_TRUST_ALLOWED_ARNS,
    PROTECTED_TRAILS: env.PROTECTED_TRAILS,
    COMPUTE_AUDIT_REGIONS: env.COMPUTE_AUDIT_REGIONS,
    ENROLL_MANAGEMENT_ACCOUNT: values['enroll-management-account'] ? 'yes' : env.ENROLL_MANAGEMENT_ACCOUNT,
    MANAGEMENT_BREAK_GLASS_NAMES: values['break-glass'] ?? env.MANAGEMENT_BREAK_GLASS_NAMES,
    STANDALONE_ACCOUNT_IDS: values['standalone-accounts'] ?? env.STANDALONE_ACCOUNT_IDS,
    STANDALONE_ROLE_NAME: values['standalone-role'] ?? env.STANDALONE_ROLE_NAME,
    IDENTITY_CENTER_REGION: env.IDENTITY_CENTER_REGION,
  };
  try {
    return loadConfig(withoutUndefined(variables));
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(withFlagNames(error.message));
    throw error;
  }
}

function withoutUndefined(variables: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(variables).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** "MANAGEMENT_ACCOUNT_ID: Required" → "--management-account (MANAGEMENT_ACCOUNT_ID): Required". */
function withFlagNames(message: string): string {
  return message.replace(/\b([A-Z_]{6,})(?=:)/g, (name) => {
    const flag = FLAG_OF_VARIABLE[name];
    return flag ? `${flag} (${name})` : name;
  });
}
