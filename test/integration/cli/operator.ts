/**
 * The operator of a local scp-alt deployment: a role in the security account that the management
 * role trusts (as an operator adds it next to the function roles), and the CLI run in-process as
 * that role against the local endpoint.
 */
import {
  CreateRoleCommand,
  GetRoleCommand,
  IAMClient,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import type { CliCommand } from '#cli/command.ts';
import { makeDeregisterCommand } from '#cli/commands/deregister.ts';
import { makeEnrollCommand } from '#cli/commands/enroll.ts';
import { makeExportNativeCommand } from '#cli/commands/export-native.ts';
import { makePlanCommand } from '#cli/commands/plan.ts';
import { makeReplayCommand } from '#cli/commands/replay.ts';
import { makeReportCommand } from '#cli/commands/report.ts';
import { makeSimulateCommand } from '#cli/commands/simulate.ts';
import { makeStatusCommand } from '#cli/commands/status.ts';
import { runCli } from '#cli/main.ts';
import type { OperatorEnvironment } from '#cli/operator/environment.ts';
import { assumeRole, memberAccountConfig, roleArn } from '#dev/local-aws/accounts.ts';
import type { LocalStackClient } from '#dev/local-aws/stack.ts';
import { type Deployment, MANAGEMENT_ROLE_NAME } from '#dev/local-deployment/deployment.ts';
import { fakeIo } from '../../unit/cli/fake-io.ts';

export const OPERATOR_ROLE = 'scp-alt-operator';

/** Creates the operator role and adds it to the management role's trust; returns its environment. */
export async function operatorEnvironment(
  stack: LocalStackClient,
  deployment: Deployment,
): Promise<Record<string, string>> {
  const security = deployment.securityAccountId;
  const securityIam = new IAMClient(await memberAccountConfig(stack, security, 'iam'));
  const trustAdmin = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: roleArn(stack, security, 'OrganizationAccountAccessRole') },
        Action: 'sts:AssumeRole',
      },
    ],
  };
  await securityIam.send(
    new CreateRoleCommand({ RoleName: OPERATOR_ROLE, AssumeRolePolicyDocument: JSON.stringify(trustAdmin) }),
  );
  await trustOperator(stack, roleArn(stack, security, OPERATOR_ROLE));
  const admin = await assumeRole(stack, roleArn(stack, security, 'OrganizationAccountAccessRole'));
  const operator = await assumeRole(stack, roleArn(stack, security, OPERATOR_ROLE), {
    as: admin,
    sessionName: 'operator',
  });
  return {
    AWS_ACCESS_KEY_ID: operator.accessKeyId,
    AWS_SECRET_ACCESS_KEY: operator.secretAccessKey,
    AWS_SESSION_TOKEN: operator.sessionToken ?? '',
    AWS_REGION: stack.region,
    AWS_ENDPOINT_URL: stack.endpoints.iam,
    MANAGEMENT_ACCOUNT_ID: deployment.organization.managementAccountId,
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

export function operatorCommands(environment: OperatorEnvironment): CliCommand[] {
  return [
    makePlanCommand(environment),
    makeSimulateCommand(environment),
    makeStatusCommand(environment),
    makeReportCommand(environment),
    makeEnrollCommand(environment),
    makeDeregisterCommand(environment),
    makeReplayCommand(environment),
    makeExportNativeCommand(environment),
  ];
}

export interface CliRun {
  code: number;
  out: string;
  err: string;
  /** stdout parsed as JSON (for --json runs). */
  json<T = Record<string, unknown>>(): T;
}

/** `scp-alt <argv>` in-process, as the operator, output captured. */
export async function scpAlt(env: Record<string, string>, ...argv: string[]): Promise<CliRun> {
  return scpAltIn({ env, stdoutIsTty: false }, ...argv);
}

/** The same in a given environment (a terminal that answers questions, say). */
export async function scpAltIn(environment: OperatorEnvironment, ...argv: string[]): Promise<CliRun> {
  const io = fakeIo();
  const code = await runCli(argv, io, operatorCommands(environment));
  return { code, out: io.out(), err: io.err(), json: <T>() => JSON.parse(io.out()) as T };
}
