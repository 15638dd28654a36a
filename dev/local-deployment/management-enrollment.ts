/**
 * templates/management-role.yaml deployed with EnrollManagementAccount=yes, through the real
 * APIs: the management role's trust also lets the function roles mark their sessions there
 * (MarkScpAltSessions). The functions' side is `LocalScpAlt.configure` with the same setting.
 */
import { GetRoleCommand, IAMClient, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { OWN_SOURCE_IDENTITY_PREFIX } from '#policy/own-sessions.ts';
import type { LocalStackClient } from '../local-aws/stack.ts';
import { type Deployment, functionRoleArns, MANAGEMENT_ROLE_NAME } from './deployment.ts';

export async function allowManagementEnrollment(
  stack: LocalStackClient,
  deployment: Deployment,
): Promise<void> {
  const { organization } = deployment;
  // The management account is the stack's own: its default credentials act there.
  const iam = new IAMClient(stack.clientConfig('iam'));
  const { Role } = await iam.send(new GetRoleCommand({ RoleName: MANAGEMENT_ROLE_NAME }));
  const trust = JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '{}')) as {
    Statement?: { Sid?: string }[];
  };
  const marking = {
    Sid: 'MarkScpAltSessions',
    Effect: 'Allow',
    Principal: { AWS: functionRoleArns(stack, organization.securityAccountId) },
    Action: 'sts:SetSourceIdentity',
    Condition: {
      StringEquals: { 'aws:PrincipalOrgID': organization.organizationId },
      StringLike: { 'sts:SourceIdentity': `${OWN_SOURCE_IDENTITY_PREFIX}*` },
    },
  };
  const kept = (trust.Statement ?? []).filter((statement) => statement.Sid !== marking.Sid);
  await iam.send(
    new UpdateAssumeRolePolicyCommand({
      RoleName: MANAGEMENT_ROLE_NAME,
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [...kept, marking] }),
    }),
  );
}
