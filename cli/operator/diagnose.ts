/**
 * Turns a failure into a message that names its cause: which credentials, region, endpoint, table
 * or bucket, and the step that fixes it. Only a failure nothing here recognises, and that is not
 * an AWS answer, is reported as a defect of scp-alt.
 */
import { ScpAltError } from '#shared/errors.ts';
import { OperatorError } from './operator-error.ts';
import type { SessionFacts } from './session-facts.ts';

/** Follow-up questions asked only after a failure; each answers undefined when it cannot. */
export interface FailureProbes {
  caller(): Promise<{ account: string; arn: string } | undefined>;
  /** Names of tables in the region that look like scp-alt account tables. */
  accountTables(): Promise<string[] | undefined>;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPROTO',
]);
const REJECTED_CREDENTIALS = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'ExpiredToken',
  'ExpiredTokenException',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'AuthFailure',
  'IncompleteSignature',
]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  $response?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** The error and its causes, outermost first. */
function chainOf(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && chain.length < 6) {
    chain.push(current as ErrorLike);
    current = (current as ErrorLike).cause;
  }
  return chain;
}

const named = (chain: ErrorLike[], names: Set<string> | string[]) =>
  chain.find((link) => typeof link.name === 'string' && [...names].includes(link.name));

function where(facts: SessionFacts): string {
  return facts.endpoint ? `the endpoint ${facts.endpoint}` : `AWS in region ${facts.region ?? '(none)'}`;
}

function credentialsMissing(facts: SessionFacts): OperatorError {
  const source = facts.profile
    ? `profile '${facts.profile}'`
    : 'the environment, ~/.aws or instance metadata';
  return new OperatorError(
    'NO_CREDENTIALS',
    `no AWS credentials: none found in ${source}`,
    facts.profile
      ? `Check that profile '${facts.profile}' has keys, a role or an SSO login (\`aws sso login --profile ${facts.profile}\`); \`aws sts get-caller-identity --profile ${facts.profile}\` shows whether it works.`
      : 'Pass --profile NAME (or set AWS_PROFILE), or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY of the security account; `aws sts get-caller-identity` shows whether they work.',
  );
}

function credentialsRejected(facts: SessionFacts, link: ErrorLike): OperatorError {
  return new OperatorError(
    'CREDENTIALS_REJECTED',
    `${where(facts)} rejected the credentials from ${facts.credentialSource ?? 'the SDK chain'} (${String(link.name)}: ${String(link.message)})`,
    `Use credentials of the security account in partition ${facts.partition ?? '?'}: keys of one partition do not work in another (aws-cn keys only in cn-* regions); refresh an expired session.`,
  );
}

function unreachable(facts: SessionFacts, link: ErrorLike): OperatorError {
  const detail = `${String(link.code ?? link.name)}: ${String(link.message)}`;
  if (facts.endpoint)
    return new OperatorError(
      'ENDPOINT_UNREACHABLE',
      `cannot connect to the endpoint ${facts.endpoint} (${detail})`,
      'Start the local stack (`npm run -s local-stack` prints its endpoint) or correct --endpoint-url / AWS_ENDPOINT_URL.',
    );
  return new OperatorError(
    'ENDPOINT_UNREACHABLE',
    `cannot reach AWS in region ${facts.region ?? '(none)'} (${detail})`,
    'Check the network and proxy settings (HTTPS_PROXY), and that the region is the deployment’s.',
  );
}

function notAws(facts: SessionFacts, link: ErrorLike): OperatorError {
  const status = link.$metadata?.httpStatusCode;
  return new OperatorError(
    'NOT_AN_AWS_ENDPOINT',
    `${where(facts)} answered${status ? ` (HTTP ${status})` : ''} with something that is not an AWS API response (${String(link.message).split('\n')[0]})`,
    facts.endpoint
      ? 'Point --endpoint-url at the local stack (the endpoint `npm run -s local-stack` prints), not at another server.'
      : 'A proxy or captive portal may be answering for AWS: check HTTPS_PROXY and the network, and that the region exists.',
  );
}

async function tableMissing(facts: SessionFacts, probes: FailureProbes): Promise<OperatorError> {
  const caller = await probes.caller();
  const tables = (await probes.accountTables()) ?? [];
  const account = caller?.account ?? facts.securityAccountId ?? '?';
  const others = tables.filter((table) => table !== facts.table);
  const found =
    others.length > 0 ? `; scp-alt tables there: ${others.join(', ')}` : '; no scp-alt table is there';
  const message =
    `table ${facts.table} does not exist in region ${facts.region} of account ${account}` +
    `${caller ? ` (credentials: ${caller.arn})` : ''}${found}`;
  const stages = others.map((table) => /^scp-alt-(.+)-accounts$/.exec(table)?.[1]).filter(Boolean);
  let next: string;
  if (stages.length === 1)
    next = `Pass --stage ${stages[0]} (or SCP_ALT_STAGE), the stage of that deployment.`;
  else if (caller && facts.securityAccountId && caller.account !== facts.securityAccountId)
    next = `Use credentials of the security account ${facts.securityAccountId} (--profile), not of ${caller.account}.`;
  else
    next =
      'Pass the region the security stack was deployed in (--region), its stage (--stage), and credentials of the security account (--profile); --table names the table directly.';
  return new OperatorError('DEPLOYMENT_NOT_FOUND', message, next);
}

async function bucketMissing(facts: SessionFacts, probes: FailureProbes): Promise<OperatorError> {
  const caller = await probes.caller();
  return new OperatorError(
    'DEPLOYMENT_NOT_FOUND',
    `policy bucket ${facts.bucket} does not exist (region ${facts.region}, credentials ${caller?.arn ?? facts.credentialSource ?? '?'})`,
    'Pass --security-account (the bucket is scp-alt-<security account>) or --bucket of the deployment, and credentials of the security account.',
  );
}

function notTrusted(roleArn: string, caller: { arn: string } | undefined) {
  return new OperatorError(
    'OPERATOR_NOT_TRUSTED',
    `the management role ${roleArn} refused ${caller?.arn ?? 'these credentials'} (sts:AssumeRole denied)`,
    'Add your role ARN to OperatorPrincipalArns of the management-role stack (templates/management-role.yaml) and update it, or run from a session of a role it trusts; --management-account, --management-role and --external-id must match the deployment.',
  );
}

function memberRoleRefused(roleArn: string, sourceIdentityRefused: boolean): OperatorError {
  const [, , , , account = '?', resource = ''] = roleArn.split(':');
  if (sourceIdentityRefused)
    return new OperatorError(
      'MEMBER_ROLE_REFUSED',
      `the management role could not assume ${roleArn} in account ${account} with scp-alt's source identity (sts:SetSourceIdentity denied)`,
      `Run scp-alt replay (or enroll) for the account, which adds the statement of README (Deploy, before you start) to the trust of ${resource.replace(/^role\//, '')}, or add it yourself: it lets the management role set sts:SetSourceIdentity scp-alt-*.`,
    );
  return new OperatorError(
    'MEMBER_ROLE_REFUSED',
    `the management role could not assume ${roleArn} in account ${account} (sts:AssumeRole denied)`,
    `Accounts invited into the organization have no ${resource.replace(/^role\//, '')} until someone creates it: create it there trusting the management account, or pass --org-role with the role the deployment uses (OrganizationAccessRoleName).`,
  );
}

/** An explanation of the failure, or undefined to report it as the flows do. */
export async function explainFailure(
  error: unknown,
  facts: SessionFacts,
  probes: FailureProbes,
): Promise<OperatorError | undefined> {
  if (error instanceof OperatorError) return error;
  const chain = chainOf(error);
  if (named(chain, ['CredentialsProviderError'])) return credentialsMissing(facts);
  const rejected = named(chain, REJECTED_CREDENTIALS);
  if (rejected) return credentialsRejected(facts, rejected);
  const network = chain.find((link) => typeof link.code === 'string' && NETWORK_CODES.has(link.code));
  if (network) return unreachable(facts, network);
  const garbled = chain.find(
    (link) => link.name === 'SyntaxError' || String(link.message).includes('Deserialization error'),
  );
  if (garbled) return notAws(facts, garbled);
  // By name, not class: importing the credentials adapter would load the SDK for every command.
  // The innermost one failed first: a member role cannot be reached when the management role is not.
  const assume = [...chain].reverse().find((link) => link.name === 'AssumeRoleError') as
    | { roleArn?: unknown }
    | undefined;
  if (assume && named(chain, ['AccessDenied']))
    return assume.roleArn === facts.managementRoleArn
      ? notTrusted(String(assume.roleArn), await probes.caller())
      : memberRoleRefused(String(assume.roleArn), messages(chain).includes('sts:SetSourceIdentity'));
  if (
    named(chain, ['ResourceNotFoundException']) &&
    /resource not found|non-existent table/i.test(messages(chain))
  )
    return tableMissing(facts, probes);
  if (named(chain, ['NoSuchBucket'])) return bucketMissing(facts, probes);
  return undefined;
}

function messages(chain: ErrorLike[]): string {
  return chain.map((link) => String(link.message)).join(' ');
}

/** Anything neither ours, nor an AWS answer, nor explained above: a defect. */
export function isDefect(error: unknown): boolean {
  if (error instanceof ScpAltError || error instanceof OperatorError) return false;
  const chain = chainOf(error);
  return !chain.some((link) => link.$metadata !== undefined || link.$response !== undefined);
}
