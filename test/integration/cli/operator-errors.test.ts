/**
 * The settings that point at the wrong place, against a real (local) deployment: the wrong stage,
 * region or account, an operator the management role does not trust, an account that does not
 * exist. Each message names the table, region, account or principal, and the step that fixes it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { assumeRole, roleArn } from '#dev/local-aws/accounts.ts';
import { useScpAlt } from '../support/for-tests.ts';
import { operatorEnvironment, scpAlt } from './operator.ts';

const deployed = useScpAlt();
const { stack } = deployed;

interface ErrorJson {
  ok: false;
  error: { code: string; message: string; nextAction: string };
}

describe('operator errors against the local deployment', () => {
  let env: Record<string, string>;
  let security: string;
  let table: string;
  beforeAll(async () => {
    env = await operatorEnvironment(stack, deployed.scpAlt.deployment);
    security = deployed.scpAlt.deployment.securityAccountId;
    table = deployed.scpAlt.deployment.table;
  });

  it('Given the wrong --stage, when status runs, then the message names the missing table and the stage that exists', async () => {
    const run = await scpAlt(env, 'status', '--stage', 'dev', '--json');
    expect(run.code).toBe(1);
    const { error } = run.json<ErrorJson>();
    expect(error.code).toBe('DEPLOYMENT_NOT_FOUND');
    expect(error.message).toContain(
      `table scp-alt-dev-accounts does not exist in region ${stack.region} of account ${security}`,
    );
    expect(error.message).toContain(`scp-alt tables there: ${table}`);
    expect(error.nextAction).toBe(
      `Pass --stage ${/^scp-alt-(.+)-accounts$/.exec(table)?.[1]} (or SCP_ALT_STAGE), the stage of that deployment.`,
    );
  });

  it('Given the wrong region, when status runs, then the message names that region and that no scp-alt table is there', async () => {
    const run = await scpAlt(env, 'status', '--region', 'cn-northwest-1');
    expect(run.code).toBe(1);
    expect(run.err).toContain(
      `DEPLOYMENT_NOT_FOUND: table ${table} does not exist in region cn-northwest-1 of account ${security}`,
    );
    expect(run.err).toContain('no scp-alt table is there');
    expect(run.err).toContain('next: Pass the region the security stack was deployed in (--region)');
  });

  it('Given credentials of a member account, when status runs for the security account, then both accounts are named', async () => {
    const member = stack.organization.accounts['app-dev'] ?? '';
    const keys = await assumeRole(stack, roleArn(stack, member, 'OrganizationAccountAccessRole'));
    const memberEnv = {
      ...env,
      AWS_ACCESS_KEY_ID: keys.accessKeyId,
      AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
      AWS_SESSION_TOKEN: keys.sessionToken ?? '',
    };
    const run = await scpAlt(memberEnv, 'status', '--security-account', security, '--json');
    expect(run.code).toBe(1);
    const { error } = run.json<ErrorJson>();
    expect(error.message).toContain(
      `of account ${member} (credentials: arn:aws-cn:sts::${member}:assumed-role/OrganizationAccountAccessRole/`,
    );
    expect(error.nextAction).toBe(
      `Use credentials of the security account ${security} (--profile), not of ${member}.`,
    );
  });

  it('Given a principal the management role does not trust, when deregister runs, then OPERATOR_NOT_TRUSTED names it and OperatorPrincipalArns', async () => {
    const admin = await assumeRole(stack, roleArn(stack, security, 'OrganizationAccountAccessRole'), {
      sessionName: 'stranger',
    });
    const strangerEnv = {
      ...env,
      AWS_ACCESS_KEY_ID: admin.accessKeyId,
      AWS_SECRET_ACCESS_KEY: admin.secretAccessKey,
      AWS_SESSION_TOKEN: admin.sessionToken ?? '',
    };
    const account = stack.organization.accounts['app-prod'] ?? '';
    const run = await scpAlt(strangerEnv, 'deregister', '--account', account);
    expect(run.code).toBe(1);
    expect(run.err).toContain(
      `OPERATOR_NOT_TRUSTED: the management role arn:aws-cn:iam::${stack.organization.managementAccountId}:role/`,
    );
    expect(run.err).toContain(
      `refused arn:aws-cn:sts::${security}:assumed-role/OrganizationAccountAccessRole/stranger`,
    );
    expect(run.err).toContain(
      'next: Add your role ARN to OperatorPrincipalArns of the management-role stack',
    );
  });

  it('Given an account id the organization does not have, when plan runs for it, then the account is named (exit 1)', async () => {
    const run = await scpAlt(env, 'plan', '--accounts', '999999999999');
    expect(run.code).toBe(1);
    expect(run.out).toContain('account 999999999999 NOT_ENROLLED');
    expect(run.out).toContain(
      'error ACCOUNT_NOT_IN_ORGANIZATION: account 999999999999 is not in the organization (Organizations answered AccountNotFoundException',
    );
    expect(run.out).toContain('next: Check the account id');
  });
});
