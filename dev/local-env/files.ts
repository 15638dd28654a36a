/**
 * What a running local environment leaves for other terminals, in `.scratch/local-env/` of the
 * checkout (ignored by git), removed when it stops:
 *
 * - `env.json`: the settings the `scp-alt` command line reads with `--local` or
 *   `SCP_ALT_LOCAL_ENV` (cli/operator/local-environment.ts reads `pid` and `variables`);
 * - `exports.sh`: the same as `export` lines, for `. .scratch/local-env/exports.sh`;
 * - `aws-config`: AWS CLI profiles — the operator, the management account, and the administrator
 *   of every seeded account (its organization access role) — with the local endpoint.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { iamRoleArn } from '#policy/arn.ts';
import { partitionOfRegion } from '#policy/partition.ts';
import { scratchRoot } from '../../scripts/scratch.ts';
import { ORGANIZATION_ACCESS_ROLE } from '../local-aws/accounts.ts';
import type { SeededOrganization } from '../local-aws/seed.ts';
import { LOCAL_CREDENTIALS } from '../local-aws/stack.ts';
import { STAGE } from '../local-deployment/deployment.ts';
import type { LocalEnvironment } from './environment.ts';
import { LocalEnvError } from './errors.ts';
import type { FunctionSource } from './functions.ts';

/** Where `make local-env` leaves its files; tests pass a folder of their own. */
export const LOCAL_ENV_DIR = join(scratchRoot(), 'local-env');

export interface EnvironmentFiles {
  dir: string;
  env: string;
  exports: string;
  awsConfig: string;
}

export function environmentFiles(dir: string = LOCAL_ENV_DIR): EnvironmentFiles {
  return {
    dir,
    env: join(dir, 'env.json'),
    exports: join(dir, 'exports.sh'),
    awsConfig: join(dir, 'aws-config'),
  };
}

/** The contents of env.json. */
export interface EnvironmentDescription {
  version: 1;
  /** The process serving the environment; a file whose process is gone is stale. */
  pid: number;
  startedAt: string;
  functions: FunctionSource;
  endpoint: string;
  region: string;
  stage: string;
  bucket: string;
  table: string;
  organization: SeededOrganization;
  /** The CLI's environment: endpoint, region, operator credentials, management account, stage. */
  variables: Record<string, string>;
}

export function describeEnvironment(env: LocalEnvironment, startedAt: Date): EnvironmentDescription {
  return {
    version: 1,
    pid: process.pid,
    startedAt: startedAt.toISOString(),
    functions: env.functions,
    endpoint: env.stack.endpoints.iam,
    region: env.stack.region,
    stage: STAGE,
    bucket: env.deployment.bucket,
    table: env.deployment.table,
    organization: env.organization,
    // AWS_DEFAULT_REGION: version 1 of the AWS CLI reads only that one.
    variables: { ...env.operator.environment, AWS_DEFAULT_REGION: env.stack.region, SCP_ALT_STAGE: STAGE },
  };
}

/** `export` lines for a POSIX shell; a profile set in the shell would otherwise win for the AWS CLI. */
export function exportLines(description: EnvironmentDescription, files: EnvironmentFiles): string[] {
  const quoted = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;
  const variables = {
    ...description.variables,
    AWS_CONFIG_FILE: files.awsConfig,
    SCP_ALT_LOCAL_ENV: files.env,
  };
  return [
    'unset AWS_PROFILE AWS_DEFAULT_PROFILE',
    ...Object.entries(variables).map(([name, value]) => `export ${name}=${quoted(value)}`),
  ];
}

/** Profiles for the AWS CLI: `aws --profile app-dev iam list-roles` acts as app-dev's administrator. */
export function awsConfig(description: EnvironmentDescription): string {
  const { endpoint, region, organization, variables } = description;
  const common = [`region = ${region}`, `endpoint_url = ${endpoint}`];
  const section = (name: string, lines: string[]) => [`[profile ${name}]`, ...common, ...lines, ''];
  const sessionStamp = `${description.pid}-${Date.parse(description.startedAt).toString(36)}`;
  const arnOf = (account: string) => iamRoleArn(partitionOfRegion(region), account, ORGANIZATION_ACCESS_ROLE);
  return [
    '# AWS CLI profiles of the scp-alt local environment (make local-env); removed when it stops.',
    ...section('scp-alt-operator', [
      `aws_access_key_id = ${variables.AWS_ACCESS_KEY_ID}`,
      `aws_secret_access_key = ${variables.AWS_SECRET_ACCESS_KEY}`,
      `aws_session_token = ${variables.AWS_SESSION_TOKEN}`,
    ]),
    ...section('management', [
      `aws_access_key_id = ${LOCAL_CREDENTIALS.accessKeyId}`,
      `aws_secret_access_key = ${LOCAL_CREDENTIALS.secretAccessKey}`,
    ]),
    ...Object.entries(organization.accounts).flatMap(([name, account]) =>
      section(name, [
        `role_arn = ${arnOf(account)}`,
        'source_profile = management',
        // The AWS CLI caches role sessions by role and session name for an hour; the ids are the
        // same on every start, so a name of this start keeps a session of a stopped stack out.
        `role_session_name = administrator-${sessionStamp}`,
      ]),
    ),
  ].join('\n');
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function ownerOf(files: EnvironmentFiles): Promise<number | undefined> {
  if (!existsSync(files.env)) return undefined;
  const { pid } = JSON.parse(await readFile(files.env, 'utf8')) as { pid?: unknown };
  return typeof pid === 'number' ? pid : undefined;
}

/** Refuses to overwrite the files of an environment that is still running. */
export async function claimEnvironmentFiles(files: EnvironmentFiles): Promise<void> {
  const pid = await ownerOf(files);
  if (pid !== undefined && pid !== process.pid && isRunning(pid))
    throw new LocalEnvError(
      'local-env.already-running',
      `a local environment is already running (pid ${pid}, ${files.env}); stop it with Ctrl-C in its terminal, or kill ${pid}`,
    );
}

export async function writeEnvironmentFiles(
  description: EnvironmentDescription,
  files: EnvironmentFiles,
): Promise<void> {
  await claimEnvironmentFiles(files);
  await mkdir(files.dir, { recursive: true });
  await writeFile(files.awsConfig, awsConfig(description), { mode: 0o600 });
  await writeFile(files.exports, `${exportLines(description, files).join('\n')}\n`, { mode: 0o600 });
  await writeFile(files.env, `${JSON.stringify(description, null, 2)}\n`, { mode: 0o600 });
}

/** Removes this process's files, and `.scratch/` itself when nothing else is in it. */
export async function removeEnvironmentFiles(files: EnvironmentFiles): Promise<void> {
  const pid = await ownerOf(files);
  if (pid !== undefined && pid !== process.pid) return;
  await rm(files.dir, { recursive: true, force: true });
  if (files.dir === LOCAL_ENV_DIR) await rmdir(dirname(files.dir)).catch(() => undefined);
}
