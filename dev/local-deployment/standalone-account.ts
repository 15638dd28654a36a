/**
 * templates/standalone-account-role.yaml deployed in an account outside the organization, through
 * the real APIs and as that account's own root (no role of the organization reaches it): the role
 * trusts the function roles (and, when given, the operator role) with the account's external id,
 * marking their sessions scp-alt-*.
 */
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { OWN_SOURCE_IDENTITY_PREFIX } from '#policy/own-sessions.ts';
import { DEFAULT_STANDALONE_ROLE_NAME } from '#policy/virtual-ou.ts';
import { actingAs, roleArn } from '../local-aws/accounts.ts';
import type { LocalStackClient } from '../local-aws/stack.ts';
import { type Deployment, functionRoleArns } from './deployment.ts';

/** The name the template gives the role by default. */
export const STANDALONE_ROLE_NAME = DEFAULT_STANDALONE_ROLE_NAME;

export interface StandaloneRoleOptions {
  externalId: string;
  /** Operator roles of the security account that run the CLI against the account. */
  operatorRoleArns?: string[];
}

export async function deployStandaloneRole(
  stack: LocalStackClient,
  deployment: Deployment,
  accountId: string,
  options: StandaloneRoleOptions,
): Promise<string> {
  const { organization } = deployment;
  const iam = actingAs(new IAMClient(stack.clientConfig('iam')), accountId);
  const trusted = [
    ...functionRoleArns(stack, organization.securityAccountId),
    ...(options.operatorRoleArns ?? []),
  ];
  const trust = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TrustScpAltFunctionRoles',
        Effect: 'Allow',
        Principal: { AWS: trusted },
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
        Condition: {
          StringEquals: {
            'sts:ExternalId': options.externalId,
            'aws:PrincipalOrgID': organization.organizationId,
          },
          StringLike: { 'sts:SourceIdentity': `${OWN_SOURCE_IDENTITY_PREFIX}*` },
        },
      },
    ],
  };
  await iam.send(
    new CreateRoleCommand({
      RoleName: STANDALONE_ROLE_NAME,
      AssumeRolePolicyDocument: JSON.stringify(trust),
    }),
  );
  return roleArn(stack, accountId, STANDALONE_ROLE_NAME);
}
