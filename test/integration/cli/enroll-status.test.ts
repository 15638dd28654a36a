/** `enroll`, `status` and `deregister` against the local stack, as an operator runs them. */
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { memberAccountConfig } from '#dev/local-aws/accounts.ts';
import { policyKey, samplePolicy } from '#dev/local-deployment/policy-files.ts';
import { useScpAlt } from '../support/for-tests.ts';
import { operatorEnvironment, scpAlt } from './operator.ts';

const deployed = useScpAlt();
const { stack } = deployed;

async function roleBoundary(iam: IAMClient, roleName: string): Promise<string | undefined> {
  const { Role } = await iam.send(new GetRoleCommand({ RoleName: roleName }));
  return Role?.PermissionsBoundary?.PermissionsBoundaryArn;
}

describe('scp-alt enroll / status / deregister', () => {
  let attached = 0;
  let env: Record<string, string>;
  let appDev: string;
  let workloads: string;
  beforeAll(async () => {
    const deployment = deployed.scpAlt.deployment;
    env = await operatorEnvironment(stack, deployment);
    appDev = stack.organization.accounts['app-dev'] ?? '';
    workloads = stack.organization.ous.Workloads ?? '';
    await deployed.scpAlt.uploadPolicy(policyKey(workloads), await samplePolicy('020-deny-all-S3-actions'));
  });

  it('enrolls an account below a Workloads OU file and prints the policy and the compiled hash with --json (exit 0)', async () => {
    const run = await scpAlt(env, 'enroll', '--account', appDev, '--ou', workloads, '--json');
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const result = run.json<{
      ok: boolean;
      accountId: string;
      ouPath: string[];
      policyArn: string;
      versionId: string;
      compiledHash: string;
      attached: number;
    }>();
    expect(result).toMatchObject({ ok: true, accountId: appDev, versionId: 'v1' });
    expect(result.ouPath).toEqual([stack.organization.rootId, workloads]);
    expect(result.policyArn).toMatch(new RegExp(`^arn:aws-cn:iam::${appDev}:policy/scp-enforce-policy$`));
    expect(result.compiledHash).toMatch(/^[0-9a-f]{64}$/);
    attached = result.attached;
    const iam = new IAMClient(await memberAccountConfig(stack, appDev, 'iam'));
    for (const name of ['app-deployer', 'app-runtime'])
      expect(await roleBoundary(iam, name)).toBe(result.policyArn);
    expect(await roleBoundary(iam, 'OrganizationAccountAccessRole')).toBeUndefined();
  });

  it('Given the enrolled account, when status --json runs, then its record shows ACTIVE, OU path, file and hash (exit 0)', async () => {
    const run = await scpAlt(env, 'status', '--json');
    expect(run.code).toBe(0);
    const { accounts } = run.json<{ accounts: Record<string, unknown>[] }>();
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({
      accountId: appDev,
      status: 'ACTIVE',
      ouPath: [stack.organization.rootId, workloads],
      policyFileKeys: [policyKey(workloads)],
      boundaryVersionId: 'v1',
      lastError: null,
    });
    expect(accounts[0]?.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('Given the enrolled account, when status runs without --json, then a table with one row per account is printed, without colours off a terminal', async () => {
    const run = await scpAlt(env, 'status');
    expect(run.code).toBe(0);
    const [header, row, ...rest] = run.out.trimEnd().split('\n');
    expect(header).toMatch(
      /^ACCOUNT\s+STATUS\s+BY\s+OU PATH\s+FILES\s+HASH\s+VERSION\s+ADDITIONAL\s+UPDATED\s+LAST ERROR$/,
    );
    expect(row).toContain(`${appDev}  ACTIVE  cli`);
    // Then the organization itself, read with the management role.
    expect(rest).toEqual(['organization: no OU changed, every policy file has a target']);
    expect(run.out).not.toContain('\u001b[');
  });

  it('refuses to enroll the security account with ACCOUNT_REFUSED (exit 1)', async () => {
    const security = stack.organization.securityAccountId;
    const run = await scpAlt(env, 'enroll', '--account', security, '--ou', workloads, '--json');
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({ ok: false, error: { code: 'ACCOUNT_REFUSED' } });
    expect(run.err).toContain('security account');
  });

  it('Given --protected-trails naming a trail the account does not have, when enrolling without --create-trail, then TRAIL_NOT_USABLE says IAM events would not arrive (exit 1)', async () => {
    const sandbox = stack.organization.accounts.sandbox ?? '';
    const sandboxOu = stack.organization.ous.Sandbox ?? '';
    await deployed.scpAlt.uploadPolicy(policyKey(sandboxOu), await samplePolicy('deny-all-billing'));
    const run = await scpAlt(
      env,
      'enroll',
      '--account',
      sandbox,
      '--ou',
      sandboxOu,
      '--protected-trails',
      'org-audit',
      '--json',
    );
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({ ok: false, error: { code: 'TRAIL_NOT_USABLE' } });
    expect(run.err).toContain('no trail named org-audit logs in cn-north-1');
  });

  it('refuses a malformed OU id before any AWS call (exit 2)', async () => {
    const run = await scpAlt(env, 'enroll', '--account', appDev, '--ou', 'Workloads');
    expect(run.code).toBe(2);
    expect(run.err).toContain("--ou 'Workloads' is not an OU id");
  });

  it('Given the enrolled account, when deregister --json runs, then every boundary is removed and status no longer lists it', async () => {
    const run = await scpAlt(env, 'deregister', '--account', appDev, '--json');
    expect(run.code).toBe(0);
    expect(run.json()).toEqual({
      ok: true,
      accountId: appDev,
      removed: true,
      detached: attached,
      additionalPoliciesRemoved: [],
    });
    const iam = new IAMClient(await memberAccountConfig(stack, appDev, 'iam'));
    expect(await roleBoundary(iam, 'app-runtime')).toBeUndefined();
    const status = await scpAlt(env, 'status', '--account', appDev);
    expect(status.code).toBe(1);
    expect(status.out).toBe(`account ${appDev} is not enrolled\n`);
  });
});
