import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { iamRoleArn } from '#policy/arn.ts';
import { partitionOfRegion } from '#policy/partition.ts';
import type { LocalClientConfig, LocalStackClient } from './stack.ts';
import type { AwsCredentials, LocalService } from './types.ts';

export const ORGANIZATION_ACCESS_ROLE = 'OrganizationAccountAccessRole';

/** ARN of a role in the stack's partition, e.g. `arn:aws-cn:iam::<account>:role/<name>`. */
export function roleArn(stack: LocalStackClient, account: string, roleName: string, path = '/'): string {
  return iamRoleArn(partitionOfRegion(stack.region), account, roleName, path);
}

/** AssumeRole through the proxy (so the role's trust policy is checked) and return the session. */
export async function assumeRole(
  stack: LocalStackClient,
  targetRoleArn: string,
  options: { as?: AwsCredentials; sessionName?: string; externalId?: string; sourceIdentity?: string } = {},
): Promise<AwsCredentials> {
  const sts = new STSClient(stack.clientConfig('sts', options.as ? { credentials: options.as } : {}));
  const answer = await sts.send(
    new AssumeRoleCommand({
      RoleArn: targetRoleArn,
      RoleSessionName: options.sessionName ?? 'local-stack',
      ExternalId: options.externalId,
      SourceIdentity: options.sourceIdentity,
    }),
  );
  const credentials = answer.Credentials;
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey)
    throw new Error('AssumeRole returned no credentials');
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
  };
}

/**
 * Client config acting inside a member account, as the management account does: through the
 * organization access role.
 */
export async function memberAccountConfig(
  stack: LocalStackClient,
  account: string,
  service: LocalService,
  roleName = ORGANIZATION_ACCESS_ROLE,
): Promise<LocalClientConfig> {
  const credentials = await assumeRole(stack, roleArn(stack, account, roleName));
  return stack.clientConfig(service, { credentials });
}

/**
 * Makes `client` act as `account` itself (its root), as moto and the proxy read the account from
 * the `x-moto-account-id` header: how a test speaks for an account outside the organization, whose
 * role the management account cannot assume.
 */
export function actingAs<C extends { middlewareStack: unknown }>(client: C, account: string): C {
  type Args = { request: { headers: Record<string, string> } };
  const stack = client.middlewareStack as {
    add(
      middleware: (next: (args: Args) => unknown) => (args: Args) => unknown,
      options: { step: 'build'; name: string },
    ): void;
  };
  stack.add(
    (next) => (args) => {
      args.request.headers['x-moto-account-id'] = account;
      return next(args);
    },
    { step: 'build', name: 'localStackActingAs' },
  );
  return client;
}
