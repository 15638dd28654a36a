/**
 * The environment Lambda gives a function: its template variables (resolved), the variables Lambda
 * reserves for itself, and the credentials of the function role's session. Built from nothing, so
 * the calling process's variables (a developer's AWS profile, NODE_OPTIONS, a tsx loader) never
 * reach the function.
 */
import { isIP } from 'node:net';
import { LocalLambdaError } from './errors.ts';
import type { PackagedFunction } from './template.ts';

export interface RoleSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Names Lambda sets itself and refuses in a function's configuration. */
export const RESERVED_VARIABLES = [
  '_HANDLER',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
] as const;

export interface LambdaEnvironmentInput {
  fn: PackagedFunction;
  /** The template's Environment.Variables, resolved for the target deployment. */
  variables: Record<string, string>;
  region: string;
  taskRoot: string;
  /** Folder of the runtime's bootstrap (Lambda's /var/runtime). */
  runtimeDir: string;
  /** Stands in for Lambda's writable /tmp; also HOME, so no ~/.aws file of the developer is read. */
  scratchDir: string;
  session: RoleSession;
  /** The local stack; the SDK reads AWS_ENDPOINT_URL, the product is not told. */
  endpointUrl: string;
}

export function lambdaEnvironment(input: LambdaEnvironmentInput): Record<string, string> {
  const { fn, variables, region, taskRoot, scratchDir, session } = input;
  const reserved = Object.keys(variables).filter((name) =>
    (RESERVED_VARIABLES as readonly string[]).includes(name),
  );
  if (reserved.length > 0)
    throw new LocalLambdaError(
      'local-lambda.template',
      `${fn.functionName} sets reserved variables Lambda refuses: ${reserved.join(', ')}`,
    );
  return {
    ...variables,
    _HANDLER: fn.handler,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${fn.logicalId}`,
    AWS_ACCESS_KEY_ID: session.accessKeyId,
    AWS_SECRET_ACCESS_KEY: session.secretAccessKey,
    ...(session.sessionToken ? { AWS_SESSION_TOKEN: session.sessionToken } : {}),
    LAMBDA_TASK_ROOT: taskRoot,
    LAMBDA_RUNTIME_DIR: input.runtimeDir,
    AWS_ENDPOINT_URL: pathStyleEndpoint(input.endpointUrl),
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: scratchDir,
    TMPDIR: scratchDir,
  };
}

/**
 * The product never sets S3's forcePathStyle, and the SDK has no environment setting for it. Its
 * S3 endpoint rules address buckets by path when the endpoint's host is an IP address, and as
 * `<bucket>.<host>` otherwise, which a local endpoint cannot serve. So the local endpoint must be
 * an IP literal (127.0.0.1), and production stays exactly as deployed.
 */
export function pathStyleEndpoint(endpointUrl: string): string {
  const host = new URL(endpointUrl).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) === 0)
    throw new LocalLambdaError(
      'local-lambda.endpoint',
      `AWS_ENDPOINT_URL ${endpointUrl}: the host must be an IP address (e.g. 127.0.0.1) so S3 addresses buckets by path`,
    );
  return endpointUrl;
}
