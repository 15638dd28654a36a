/**
 * The operator of a local deployment: a role in the security account that the management role
 * trusts (as the management-role stack's `OperatorPrincipalArns` adds it next to the function
 * roles), and the environment the `scp-alt` command line runs with as that role.
 */
import {
  CreateRoleCommand,
  GetRoleCommand,
  IAMClient,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { assumeRole, memberAccountConfig, ORGANIZATION_ACCESS_ROLE, roleArn } from '../local-aws/accounts.ts';
import type { LocalStackClient } from '../local-aws/stack.ts';
import type { AwsCredentials } from '../local-aws/types.ts';
import { type Deployment, MANAGEMENT_ROLE_NAME } from './deployment.ts';

export const OPERATOR_ROLE = 'scp-alt-operator';

export interface Operator {
  roleArn: string;
  /** A session of the operator role (session name `operator`). */
  credentials: AwsCredentials;
  /** What the CLI needs: endpoint, region, credentials, management account. */
  environment: Record<string, string>;
}

/** Creates the operator role, adds it to the management role's trust and opens a session of it. */
export async function createOperator(stack: LocalStackClient, deployment: Deployment): Promise<Operator> {
  const security = deployment.securityAccountId;
  const adminArn = roleArn(stack, security, ORGANIZATION_ACCESS_ROLE);
  const securityIam = new IAMClient(await memberAccountConfig(stack, security, 'iam'));
  const trustAdmin = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: adminArn }, Action: 'sts:AssumeRole' }],
  };
  await securityIam.send(
    new CreateRoleCommand({ RoleName: OPERATOR_ROLE, AssumeRolePolicyDocument: JSON.stringify(trustAdmin) }),
  );
  const operatorArn = roleArn(stack, security, OPERATOR_ROLE);
  await trustOperator(stack, operatorArn);
  const admin = await assumeRole(stack, adminArn);
  const credentials = await assumeRole(stack, operatorArn, { as: admin, sessionName: 'operator' });
  return {
    roleArn: operatorArn,
    credentials,
    environment: {
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SESSION_TOKEN: credentials.sessionToken ?? '',
      AWS_REGION: stack.region,
      AWS_ENDPOINT_URL: stack.endpoints.iam,
      MANAGEMENT_ACCOUNT_ID: deployment.organization.managementAccountId,
    },
  };
}

async function trustOperator(stack: LocalStackClient, operatorArn: string): Promise<void> {
  const iam = new IAMClient(stack.clientConfig('iam'));
  const { Role } = await iam.send(new GetRoleCommand({ RoleName: MANAGEMENT_ROLE_NAME }));
  const trust = JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '{}')) as {
    Statement: { Principal: { AWS: string | string[] } }[];
  };
  for (const statement of trust.Statement)
    statement.Principal.AWS = [statement.Principal.AWS, operatorArn].flat();
  await iam.send(
    new UpdateAssumeRolePolicyCommand({
      RoleName: MANAGEMENT_ROLE_NAME,
      PolicyDocument: JSON.stringify(trust),
    }),
  );
}
