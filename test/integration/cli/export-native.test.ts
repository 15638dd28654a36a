/** `export-native`: native SCPs per target, applied through Organizations, then the emulation retired. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribePolicyCommand,
  ListPoliciesForTargetCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { beforeAll, describe, expect, it } from 'vitest';
import { policyKey, samplePolicy, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { policyFolder } from '../../unit/cli-operator/helpers.ts';
import { useScpAlt } from '../support/for-tests.ts';
import { operatorEnvironment, scpAlt, scpAltIn } from './operator.ts';

const deployed = useScpAlt();
const { stack } = deployed;

interface ExportJson {
  ok: boolean;
  targets: { target: string; targetId: string; policies: { name: string; file: string; size: number }[] }[];
  applied?: {
    targetId: string;
    policies: { name: string; action: string }[];
    detachedFullAwsAccess: boolean;
  }[];
  retired?: { accountId: string; outcome: string }[];
}

describe('scp-alt export-native', () => {
  let env: Record<string, string>;
  let appDev: string;
  let workloads: string;
  let files: Record<string, string>;
  const organizations = () => new OrganizationsClient(stack.clientConfig('organizations'));
  const attachedTo = async (targetId: string) =>
    (
      await organizations().send(
        new ListPoliciesForTargetCommand({ TargetId: targetId, Filter: 'SERVICE_CONTROL_POLICY' }),
      )
    ).Policies?.map((policy) => policy.Name) ?? [];

  beforeAll(async () => {
    env = await operatorEnvironment(stack, deployed.scpAlt.deployment);
    appDev = stack.organization.accounts['app-dev'] ?? '';
    workloads = stack.organization.ous.Workloads ?? '';
    files = {
      [`${workloads}.json`]: await samplePolicy('020-deny-all-S3-actions'),
      [`account-${appDev}.json`]: await samplePolicy('deny-account-creator-admin'),
    };
    for (const [name, body] of Object.entries(files))
      await uploadPolicy(deployed.scpAlt.deployment, policyKey(name.slice(0, -5)), body);
    expect((await scpAlt(env, 'enroll', '--account', appDev, '--ou', workloads)).code).toBe(0);
  });

  it('Given an OU file using <ACCOUNT_ID>, when exported, then it is refused naming the file and nothing is written (exit 1)', async () => {
    const dir = policyFolder({ [`${workloads}.json`]: await samplePolicy('deny-account-creator-admin') });
    const out = mkdtempSync(join(tmpdir(), 'scp-alt-native-'));
    const run = await scpAlt(env, 'export-native', '--policies', dir, '--out', out, '--json');
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({
      ok: false,
      error: {
        code: 'POLICY_INVALID',
        findings: [{ code: 'native.placeholder.unsupported', file: policyKey(workloads) }],
      },
    });
  });

  it('Given account and OU files, when exported without --apply, then one minified policy per target is written, account id substituted', async () => {
    const out = mkdtempSync(join(tmpdir(), 'scp-alt-native-'));
    const run = await scpAlt(env, 'export-native', '--policies', policyFolder(files), '--out', out, '--json');
    expect(run.code).toBe(0);
    const result = run.json<ExportJson>();
    expect(result.targets.map((target) => [target.targetId, target.policies.length])).toEqual([
      [appDev, 1],
      [workloads, 1],
    ]);
    const accountPolicy = readFileSync(join(out, `scp-alt-account-${appDev}-1.json`), 'utf8');
    expect(accountPolicy).toContain(`arn:*:iam::${appDev}:user/account-creator-admin`);
    expect(accountPolicy).not.toMatch(/\s/);
    expect(result.applied).toBeUndefined();
    expect(await attachedTo(workloads)).not.toContain(`scp-alt-${workloads}-1`);
  });

  it('Given --apply without --yes and no terminal, when exported, then the Organizations changes are listed and nothing is applied (exit 1)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'scp-alt-native-'));
    const run = await scpAlt(
      env,
      'export-native',
      '--policies',
      policyFolder(files),
      '--out',
      out,
      '--apply',
    );
    expect(run.code).toBe(1);
    expect(run.out).toContain('Organizations changes:');
    expect(run.out).toMatch(
      new RegExp(
        `${workloads} +create scp-alt-${workloads}-1, attach scp-alt-${workloads}-1, detach FullAWSAccess`,
      ),
    );
    expect(run.err).toContain(
      'CONFIRMATION_REQUIRED: no terminal to confirm 6 Organizations change(s) on; nothing was applied',
    );
    expect(run.err).toContain('run again with --yes');
    expect(await attachedTo(workloads)).toEqual(['FullAWSAccess']);
  });

  it('Given a terminal and the answer no, when --apply asks, then nothing is applied (exit 1)', async () => {
    const questions: string[] = [];
    const terminal = {
      env,
      stdoutIsTty: false,
      stdinIsTty: true,
      ask: async (question: string) => {
        questions.push(question);
        return 'n';
      },
    };
    const out = mkdtempSync(join(tmpdir(), 'scp-alt-native-'));
    const run = await scpAltIn(
      terminal,
      'export-native',
      '--policies',
      policyFolder(files),
      '--out',
      out,
      '--apply',
    );
    expect(questions).toEqual(['Apply these 6 Organizations change(s)? [y/N] ']);
    expect(run.code).toBe(1);
    expect(run.err).toContain('DECLINED: not confirmed; nothing was applied');
    expect(await attachedTo(workloads)).toEqual(['FullAWSAccess']);
  });

  it('Given a folder that differs from the bucket, when --apply runs, then it is refused naming the files (exit 1)', async () => {
    const changed = { ...files, [`${workloads}.json`]: await samplePolicy('deny-all-billing') };
    const out = mkdtempSync(join(tmpdir(), 'scp-alt-native-'));
    const run = await scpAlt(
      env,
      'export-native',
      '--policies',
      policyFolder(changed),
      '--out',
      out,
      '--apply',
      '--yes',
    );
    expect(run.code).toBe(1);
    expect(run.err).toContain(
      `differs from the bucket scp-alt-${deployed.scpAlt.deployment.securityAccountId}: ${policyKey(workloads)} changed; nothing was applied`,
    );
    expect(run.err).toContain('--allow-differences');
    expect(await attachedTo(workloads)).toEqual(['FullAWSAccess']);
  });

  it('Given --apply --retire, when exported, then the SCPs replace FullAWSAccess on each target and the account leaves the emulation', async () => {
    // Organizations attaches FullAWSAccess to every new OU and account.
    expect(await attachedTo(workloads)).toEqual(['FullAWSAccess']);
    const out = mkdtempSync(join(tmpdir(), 'scp-alt-native-'));
    const run = await scpAlt(
      env,
      'export-native',
      '--policies',
      policyFolder(files),
      '--out',
      out,
      '--apply',
      '--retire',
      '--yes',
      '--json',
    );
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const result = run.json<ExportJson>();
    expect(result.applied?.map((target) => [target.targetId, target.policies.map((p) => p.action)])).toEqual([
      [workloads, ['created']],
      [appDev, ['created']],
    ]);
    expect(result.applied?.map((target) => target.detachedFullAwsAccess)).toEqual([true, true]);
    expect(await attachedTo(workloads)).toEqual([`scp-alt-${workloads}-1`]);
    expect(await attachedTo(appDev)).toEqual([`scp-alt-account-${appDev}-1`]);
    expect(result.retired).toEqual([
      { accountId: appDev, outcome: 'retired', reason: expect.stringContaining('boundary removed') },
    ]);
    expect((await scpAlt(env, 'status', '--account', appDev)).code).toBe(1);
  });

  it('Given the SCPs applied, when the export is applied again with a changed file, then the same policies are updated in place', async () => {
    const changed = { ...files, [`${workloads}.json`]: await samplePolicy('deny-all-billing') };
    const out = mkdtempSync(join(tmpdir(), 'scp-alt-native-'));
    const run = await scpAlt(
      env,
      'export-native',
      '--policies',
      policyFolder(changed),
      '--out',
      out,
      '--apply',
      '--yes',
      '--allow-differences',
      '--json',
    );
    expect(run.code).toBe(0);
    expect(run.json<ExportJson>().applied?.[0]?.policies).toEqual([
      expect.objectContaining({ action: 'updated' }),
    ]);
    const attached = await organizations().send(
      new ListPoliciesForTargetCommand({ TargetId: workloads, Filter: 'SERVICE_CONTROL_POLICY' }),
    );
    const policyId = attached.Policies?.[0]?.Id ?? '';
    const { Policy } = await organizations().send(new DescribePolicyCommand({ PolicyId: policyId }));
    expect(Policy?.Content).toContain('aws-portal');
  });
});
