/**
 * An operator session: the deployment's configuration and the same ports the Lambdas build
 * (shared/wiring.ts), acting with the operator's credentials instead of a function role.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { SharedClientConfig } from '#aws/client-config.ts';
import type { AppConfig } from '#shared/config.ts';
import { buildPorts, flowContextFor, type Wiring } from '#shared/wiring.ts';
import type { FlowContext } from '#usecases/flow-context.ts';
import type { Log } from '#usecases/ports.ts';
import type { CliIo } from '../command.ts';
import {
  type AwsOptionValues,
  type ConfigNeeds,
  type Env,
  givenRegion,
  operatorConfig,
  regionOf,
} from './aws-options.ts';
import { withLocalEnvironment } from './local-environment.ts';
import { OperatorError } from './operator-error.ts';
import { assertProfileExists } from './profiles.ts';
import { assertKnownRegion } from './regions.ts';
import type { SessionFacts } from './session-facts.ts';

const OPERATOR_MAX_ATTEMPTS = 4;

export interface OperatorSession {
  config: AppConfig;
  wiring: Wiring;
  ctx: FlowContext;
  clientConfig: SharedClientConfig;
}

/** Endpoint and credentials for every client, from flags first, then the (injected) environment. */
export function operatorClientConfig(values: AwsOptionValues, env: Env): SharedClientConfig {
  // Someone is waiting: an unreachable endpoint fails in about a second, not after eight attempts.
  const config: SharedClientConfig = { maxAttempts: OPERATOR_MAX_ATTEMPTS };
  const endpoint = values['endpoint-url'] ?? env.AWS_ENDPOINT_URL;
  if (endpoint) {
    config.endpoint = endpoint;
    // Local stacks serve buckets by path, never by virtual host.
    config.forcePathStyle = true;
  }
  const profile = values.profile ?? env.AWS_PROFILE;
  if (values.profile === undefined && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    config.credentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
  } else if (profile) {
    // The SDK's own default chain, resolving this profile; reused by every client.
    config.credentials = new STSClient({ region: regionOf(values, env), profile }).config.credentials;
  }
  return config;
}

function credentialSource(values: AwsOptionValues, env: Env): string {
  if (values.profile !== undefined) return `profile '${values.profile}' (--profile)`;
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) return 'AWS_ACCESS_KEY_ID';
  if (env.AWS_PROFILE) return `profile '${env.AWS_PROFILE}' (AWS_PROFILE)`;
  return 'the SDK default chain';
}

function regionSource(values: AwsOptionValues, env: Env, fromProfile: boolean): string {
  if (values.region !== undefined && !fromProfile) return '--region';
  if (fromProfile) return `profile '${values.profile ?? env.AWS_PROFILE}'`;
  return env.AWS_REGION ? 'AWS_REGION' : 'AWS_DEFAULT_REGION';
}

async function callerAccount(values: AwsOptionValues, env: Env, clientConfig: SharedClientConfig) {
  const sts = new STSClient({ region: regionOf(values, env), ...clientConfig });
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  if (!identity.Account)
    throw new OperatorError(
      'NOT_AN_AWS_ENDPOINT',
      `sts:GetCallerIdentity at ${clientConfig.endpoint ?? `region ${regionOf(values, env)}`} answered without an account`,
      'Point --endpoint-url at the local stack, or unset it to reach AWS.',
    );
  return identity.Account;
}

export interface SessionOptions extends ConfigNeeds {
  /** Names the STS sessions `scp-alt-cli-<command>` so CloudTrail shows the CLI acted. */
  command: string;
  io: CliIo;
  /** Filled as the session resolves its settings, for failure messages. */
  facts?: SessionFacts;
}

/**
 * Fills `region` from the profile's shared config when neither --region nor AWS_REGION /
 * AWS_DEFAULT_REGION gives one, as the AWS CLI does; the SDK reads the profile.
 */
export async function withProfileRegion(values: AwsOptionValues, env: Env): Promise<AwsOptionValues> {
  const profile = values.profile ?? env.AWS_PROFILE;
  if (givenRegion(values, env) || !profile) return values;
  const region = await new STSClient({ profile }).config.region().catch(() => undefined);
  return region ? { ...values, region } : values;
}

/** Checks what can be checked without AWS: the profile exists, the region is a real one. */
async function checkedValues(given: AwsOptionValues, env: Env, facts: SessionFacts) {
  const profile = given.profile ?? env.AWS_PROFILE;
  if (profile) await assertProfileExists(profile, given.profile ? '--profile' : 'AWS_PROFILE', env);
  const values = await withProfileRegion(given, env);
  const region = regionOf(values, env);
  const source = regionSource(values, env, givenRegion(given, env) === undefined);
  const endpoint = values['endpoint-url'] ?? env.AWS_ENDPOINT_URL;
  assertKnownRegion(region, source);
  Object.assign(facts, {
    region,
    regionSource: source,
    credentialSource: credentialSource(values, env),
    ...(endpoint ? { endpoint } : {}),
    ...(profile ? { profile } : {}),
  });
  return values;
}

export async function openSession(
  given: AwsOptionValues,
  processEnv: Env,
  options: SessionOptions,
): Promise<OperatorSession> {
  const env = withLocalEnvironment(given.local ?? false, processEnv);
  const facts = options.facts ?? {};
  const values = await checkedValues(given, env, facts);
  const clientConfig = operatorClientConfig(values, env);
  facts.clientConfig = clientConfig;
  const flagged = values['security-account'] ?? env.SECURITY_ACCOUNT_ID;
  const securityAccountId = flagged ?? (await callerAccount(values, env, clientConfig));
  const config = operatorConfig(values, env, securityAccountId, options);
  Object.assign(facts, {
    partition: config.partition,
    securityAccountId,
    securityAccountSource: flagged ? '--security-account' : 'the caller',
    stage: values.stage ?? env.SCP_ALT_STAGE ?? 'prod',
    table: config.accountsTable,
    bucket: config.policyBucket,
    managementRoleArn: `arn:${config.partition}:iam::${config.managementAccountId}:role/${config.managementRoleName}`,
  });
  // Enrolling (enroll, replay's re-enrollment) may mend an access role's trust, as the functions do.
  const mendsMemberTrust = ['enroll', 'replay'].includes(options.command);
  const wiring = buildPorts(config, {
    functionName: `cli-${options.command}`,
    clientConfig,
    mendsMemberTrust,
  });
  const ctx = flowContextFor(config, wiring.ports, cliLog(options.io, values.verbose ?? false));
  return { config, wiring, ctx, clientConfig };
}

/** Use-case logs on stderr: warnings and errors always, the rest with --verbose. */
export function cliLog(io: CliIo, verbose: boolean): Log {
  const line = (level: string, message: string, attributes?: Record<string, unknown>) => {
    const detail = attributes && Object.keys(attributes).length > 0 ? ` ${JSON.stringify(attributes)}` : '';
    io.stderr(`${level}: ${message}${detail}\n`);
  };
  return {
    debug: (message, attributes) => verbose && line('debug', message, attributes),
    info: (message, attributes) => verbose && line('info', message, attributes),
    warn: (message, attributes) => line('warning', message, attributes),
    error: (message, attributes) => verbose && line('error', message, attributes),
  };
}
