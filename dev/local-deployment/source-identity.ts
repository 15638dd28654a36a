/**
 * The step README (Deploy, before you start) asks of operators in every member account, done
 * through the real APIs: the organization access role's trust lets the management role carry
 * scp-alt's source identity into it.
 */
import { GetRoleCommand, IAMClient, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { sourceIdentityTrustStatement } from '#policy/own-sessions.ts';
import { memberAccountConfig, ORGANIZATION_ACCESS_ROLE } from '../local-aws/accounts.ts';
import type { LocalStackClient } from '../local-aws/stack.ts';

/**
 * The deployment step README (Deploy) asks of operators in every member account: the organization
 * access role's trust lets the management role carry our source identity into it (STS requires
 * sts:SetSourceIdentity in the trust of every role a session with a source identity assumes).
 */
export async function allowOurSourceIdentity(
  stack: LocalStackClient,
  accountId: string,
  managementRoleArn: string,
): Promise<void> {
  const iam = new IAMClient(await memberAccountConfig(stack, accountId, 'iam'));
  const { Role } = await iam.send(new GetRoleCommand({ RoleName: ORGANIZATION_ACCESS_ROLE }));
  const trust = JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '{}')) as {
    Statement?: unknown[];
  };
  const statement = sourceIdentityTrustStatement(managementRoleArn);
  await iam.send(
    new UpdateAssumeRolePolicyCommand({
      RoleName: ORGANIZATION_ACCESS_ROLE,
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [...(trust.Statement ?? []), statement],
      }),
    }),
  );
}
