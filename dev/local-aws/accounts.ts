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
