/**
 * scp-alt deployed on the local stack for a benchmark: the same deployment and handler containers
 * the handler integration tests use, with the production settings of serverless.yml where the
 * test deployment differs (fan-out concurrency; for the fan-out, the account work queue's
 * visibility timeout), plus the configuration of the baseline.
 */
import { readFile } from 'node:fs/promises';
import type { OrgSpecInput } from '#dev/local-aws/org-spec.ts';
import { seedOrganization } from '#dev/local-aws/seed.ts';
import type { LocalStackClient } from '#dev/local-aws/stack.ts';
import { functionClientConfig } from '#dev/local-deployment/deployment.ts';
import { LocalScpAlt } from '#dev/local-deployment/scp-alt.ts';
import { partitionOfRegion } from '#policy/partition.ts';
import type { BaselineConfig } from './baseline/context.ts';

const SERVERLESS_YML = new URL('../serverless.yml', import.meta.url);
const EVENTS_YML = new URL('../templates/security/events.yml', import.meta.url);

/** FANOUT_CONCURRENCY as serverless.yml deploys it (the test deployment uses a smaller value). */
export async function deployedFanoutConcurrency(): Promise<number> {
  const text = await readFile(SERVERLESS_YML, 'utf8');
  const match = /FANOUT_CONCURRENCY:\s*'?(\d+)'?/.exec(text);
  if (!match?.[1]) throw new Error('serverless.yml sets no FANOUT_CONCURRENCY');
  return Number(match[1]);
}

/** custom.accountWorkers of serverless.yml: the account worker's maximum concurrency as deployed. */
export async function deployedAccountWorkers(): Promise<number> {
  const text = await readFile(SERVERLESS_YML, 'utf8');
  const match = /^\s+accountWorkers:\s*(\d+)/m.exec(text);
  if (!match?.[1]) throw new Error('serverless.yml sets no custom.accountWorkers');
  return Number(match[1]);
}

/**
 * The account work queue's visibility timeout as templates/security/events.yml deploys it. The
 * local default (5 s, so that tests see a message handed back delivered again) would have a
 * message still being worked on delivered to a second worker, which then waits on the write lease:
 * a load the deployed queue does not make.
 */
export async function deployedAccountWorkVisibilitySeconds(): Promise<number> {
  const text = await readFile(EVENTS_YML, 'utf8');
  const queue = text.slice(text.indexOf('\n  AccountWorkQueue:'));
  const match = /VisibilityTimeout:\s*(\d+)/.exec(queue);
  if (!match?.[1])
    throw new Error('templates/security/events.yml sets no AccountWorkQueue VisibilityTimeout');
  return Number(match[1]);
}

/**
 * Resets the stack, seeds the organization, deploys scp-alt and starts one container per function.
 * `deployedVisibility`: the account work queue as deployed; without it, the local 5 s, for a run
 * that expects messages handed back (throttled past the retries) to be delivered again within it.
 */
export async function deployForBench(
  stack: LocalStackClient,
  org?: OrgSpecInput,
  { deployedVisibility = false } = {},
): Promise<LocalScpAlt> {
  await stack.reset();
  const organization = await seedOrganization(stack, org);
  const queue = deployedVisibility
    ? { accountWorkQueue: { visibilityTimeoutSeconds: await deployedAccountWorkVisibilitySeconds() } }
    : {};
  const scpAlt = await LocalScpAlt.start(stack, organization, {}, queue);
  scpAlt.deployment.environment.FANOUT_CONCURRENCY = String(await deployedFanoutConcurrency());
  await scpAlt.coldStart();
  return scpAlt;
}

export async function baselineConfigFor(
  stack: LocalStackClient,
  scpAlt: LocalScpAlt,
): Promise<BaselineConfig> {
  const { deployment } = scpAlt;
  const env = deployment.environment;
  const own = await functionClientConfig(stack, deployment, 'iam-event-dispatcher');
  return {
    endpoint: own.endpoint,
    region: stack.region,
    partition: partitionOfRegion(stack.region),
    functionCredentials: own.credentials,
    managementAccountId: env.MANAGEMENT_ACCOUNT_ID ?? '',
    managementRoleName: env.MANAGEMENT_ROLE_NAME ?? '',
    organizationAccessRoleName: env.ORGANIZATION_ACCESS_ROLE_NAME ?? '',
    bucket: deployment.bucket,
    table: deployment.table,
    policyName: 'scp-enforce-policy',
  };
}
