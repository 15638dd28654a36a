/** `plan` and `simulate` against an enrolled account on the local stack: read-only commands. */
import { GetPolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { memberAccountConfig } from '#dev/local-aws/accounts.ts';
import { conditionalDenyPolicy, policyKey, samplePolicy } from '#dev/local-deployment/policy-files.ts';
import { policyFolder } from '../../unit/cli-operator/helpers.ts';
import { useScpAlt } from '../support/for-tests.ts';
import { operatorEnvironment, scpAlt } from './operator.ts';

const deployed = useScpAlt();
const { stack } = deployed;

interface PlanJson {
  accounts: {
    accountId: string;
    files: string[];
    size: number;
    sizeLimit: number;
    changed: boolean;
    deployed: { versionId: string } | null;
    diff: { added: { Sid?: string }[]; removed: { Sid?: string }[] };
    error: { code: string; findings?: { file: string; code: string }[] } | null;
  }[];
  summary: { accounts: number; changed: number; failed: number; warnings: number; files: number };
}

describe('scp-alt plan / simulate', () => {
  let env: Record<string, string>;
  let appDev: string;
  let workloads: string;
  beforeAll(async () => {
    env = await operatorEnvironment(stack, deployed.scpAlt.deployment);
    appDev = stack.organization.accounts['app-dev'] ?? '';
    workloads = stack.organization.ous.Workloads ?? '';
    await deployed.scpAlt.uploadPolicy(policyKey(workloads), await samplePolicy('020-deny-all-S3-actions'));
    const enrolled = await scpAlt(env, 'enroll', '--account', appDev, '--ou', workloads);
    expect(enrolled.code).toBe(0);
  });

  async function defaultVersion(): Promise<string | undefined> {
    const iam = new IAMClient(await memberAccountConfig(stack, appDev, 'iam'));
    const arn = `arn:aws-cn:iam::${appDev}:policy/scp-enforce-policy`;
    return (await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId;
  }

  it('Given the bucket unchanged, when plan runs, then the account shows no change (exit 0)', async () => {
    const run = await scpAlt(env, 'plan', '--json');
    expect(run.code).toBe(0);
    const plan = run.json<PlanJson>();
    expect(plan.summary).toEqual({ accounts: 1, changed: 0, failed: 0, warnings: 0, files: 0 });
    expect(plan.accounts[0]).toMatchObject({
      accountId: appDev,
      changed: false,
      deployed: { versionId: 'v1' },
    });
  });

  it('Given a folder replacing the S3 deny with a billing deny, when plan runs, then the statement diff shows it and nothing is written', async () => {
    const dir = policyFolder({ [`${workloads}.json`]: await samplePolicy('deny-all-billing') });
    const run = await scpAlt(env, 'plan', '--policies', dir, '--json');
    expect(run.code).toBe(0);
    const [account] = run.json<PlanJson>().accounts;
    expect(account?.files).toEqual([policyKey(workloads)]);
    expect(account?.changed).toBe(true);
    expect(account?.size).toBeLessThanOrEqual(account?.sizeLimit ?? 0);
    expect(JSON.stringify(account?.diff.removed)).toContain('s3:*');
    expect(JSON.stringify(account?.diff.added)).toContain('aws-portal');
    expect(await defaultVersion()).toBe('v1');
    const text = await scpAlt(env, 'plan', '--policies', dir);
    expect(text.out).toMatch(/changes {2}\+\d+ -\d+ ~\d+/);
    expect(text.out).toContain('1 account(s): 1 would change, 0 failed');
  });

  it('Given one file put over the bucket with --file, when plan runs, then only that file is compared and the account shows every condition in full', async () => {
    const local = policyFolder({ 'regions.json': await samplePolicy('china-regions-only') });
    const run = await scpAlt(
      env,
      'plan',
      '--file',
      `${workloads}=${local}/regions.json`,
      '--detailed-exitcode',
    );
    expect(run.code).toBe(3);
    expect(run.out).toContain(`files: 1 differ from bucket ${deployed.scpAlt.deployment.bucket}`);
    expect(run.out).toMatch(
      new RegExp(`~ ${policyKey(workloads)} changed \\(statements \\+\\d+ -\\d+ ~\\d+\\)`),
    );
    expect(run.out).toContain('Condition   StringNotEquals aws:RequestedRegion = cn-north-1,');
    expect(run.out).not.toContain('if …');
    expect(run.out).toContain(
      '1 account(s): 1 would change, 0 failed, 0 warning(s); 1 file(s) differ from the bucket',
    );
    expect(await defaultVersion()).toBe('v1');
  });

  it('Given a folder whose chain spills, when plan runs, then the additional policies are listed as new, each with its statements, and nothing is written', async () => {
    const dir = policyFolder({ [`${workloads}.json`]: conditionalDenyPolicy(60) });
    const run = await scpAlt(env, 'plan', '--policies', dir, '--json');
    expect(run.code).toBe(0);
    const [account] = run.json<PlanJson & { accounts: { additionalPolicies: unknown[] }[] }>().accounts;
    expect(account?.changed).toBe(true);
    expect(account?.additionalPolicies).toEqual([
      expect.objectContaining({ name: 'scp-enforce-policy-2', change: 'added', deployed: null }),
    ]);
    const text = await scpAlt(env, 'plan', '--policies', dir);
    expect(text.out).toMatch(
      / {2}scp-enforce-policy-2 size \d+ \/ 6144, deployed none new: attached to every bounded principal/,
    );
    expect(text.out).toContain('aws:PrincipalTag/team');
    expect(await defaultVersion()).toBe('v1');
  });

  it('Given the bucket unchanged and --detailed-exitcode, when plan runs, then it exits 0 (nothing pending)', async () => {
    const run = await scpAlt(env, 'plan', '--detailed-exitcode', '--json');
    expect(run.code).toBe(0);
    expect(run.json<PlanJson>().summary).toMatchObject({ changed: 0, failed: 0 });
  });

  it('Given a deny-only OU file, when plan runs, then the account warns that its level allows nothing', async () => {
    const local = policyFolder({
      'deny.json': { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }] },
    });
    const run = await scpAlt(env, 'plan', '--file', `${workloads}=${local}/deny.json`);
    expect(run.code).toBe(0);
    expect(run.out).toContain(`warning compile.level.allows-nothing at ${policyKey(workloads)}:`);
    expect(run.out).toContain('1 warning(s)');
  });

  it('Given a folder with a broken file, when plan runs, then the account fails naming the file and rule (exit 1)', async () => {
    const dir = policyFolder({
      [`${workloads}.json`]: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObjekt', Resource: '*' }],
      },
    });
    const run = await scpAlt(env, 'plan', '--policies', dir, '--json');
    expect(run.code).toBe(1);
    const [account] = run.json<PlanJson>().accounts;
    expect(account?.error?.code).toBe('POLICY_INVALID');
    expect(account?.error?.findings?.[0]).toMatchObject({
      file: policyKey(workloads),
      code: 'policy.statement.action.unknown',
    });
  });

  it('Given the deny-all-S3 OU file, when simulate asks for s3:GetObject, then it is denied naming the file and statement (exit 1)', async () => {
    const run = await scpAlt(
      env,
      'simulate',
      '--account',
      appDev,
      '--action',
      's3:GetObject',
      '--resource',
      'arn:aws-cn:s3:::data/x',
      '--json',
    );
    expect(run.err).toBe('');
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({
      decision: 'Denied',
      evaluation: 'ExplicitDeny',
      deniedBy: 'scp-file',
      deciding: { file: policyKey(workloads), level: workloads, sid: 'DenyAllS3', index: 1 },
      boundaryAgrees: true,
    });
    const text = await scpAlt(env, 'simulate', '--account', appDev, '--action', 's3:GetObject');
    expect(text.out).toBe(
      `Denied (ExplicitDeny, by scp-file)\n  ${workloads}: ${policyKey(workloads)} Statement[1] (DenyAllS3)\n`,
    );
  });

  it('Given the same chain, when simulate asks for ec2:RunInstances, then it is allowed and names the Allow of each level (exit 0)', async () => {
    const run = await scpAlt(env, 'simulate', '--account', appDev, '--action', 'ec2:RunInstances', '--json');
    expect(run.code).toBe(0);
    const result = run.json<{ decision: string; allowedBy: { level: string; file: string }[] }>();
    expect(result.decision).toBe('Allowed');
    expect(result.allowedBy.map((allow) => [allow.level, allow.file])).toEqual([
      [stack.organization.rootId, 'FullAWSAccess (no file at this level)'],
      [workloads, policyKey(workloads)],
      [`account-${appDev}`, 'FullAWSAccess (no file at this level)'],
    ]);
  });

  it('Given a role that is not exempt, when simulate asks to delete its boundary, then a protective statement denies it', async () => {
    const run = await scpAlt(
      env,
      'simulate',
      '--account',
      appDev,
      '--action',
      'iam:DeleteRolePermissionsBoundary',
      '--resource',
      `arn:aws-cn:iam::${appDev}:role/app-runtime`,
      '--json',
    );
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({
      decision: 'Denied',
      deniedBy: 'protective',
      deciding: { sid: 'ScpAltKeepBoundary' },
    });
  });

  it('Given no --action, when simulate runs, then it is a usage error (exit 2)', async () => {
    const run = await scpAlt(env, 'simulate', '--account', appDev);
    expect(run.code).toBe(2);
    expect(run.err).toContain('--action is required');
  });
});
