/** `status --json --estate` and `report` against the local deployment: the live estate. */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EstateCapture } from '#cli/operator/estate-types.ts';
import { policyKey, samplePolicy } from '#dev/local-deployment/policy-files.ts';
import { useScpAlt } from '../support/for-tests.ts';
import { operatorEnvironment, scpAlt } from './operator.ts';

const deployed = useScpAlt();
const { stack } = deployed;

describe('the live estate', () => {
  let env: Record<string, string>;
  let appDev: string;
  let workloads: string;
  beforeAll(async () => {
    env = await operatorEnvironment(stack, deployed.scpAlt.deployment);
    appDev = stack.organization.accounts['app-dev'] ?? '';
    workloads = stack.organization.ous.Workloads ?? '';
    await deployed.scpAlt.uploadPolicy(policyKey(workloads), await samplePolicy('deny-leave-organization'));
    expect((await scpAlt(env, 'register', '--account', appDev, '--ou', workloads)).code).toBe(0);
  });

  it('Given an enrolled account, when status --json --estate runs, then the capture holds the tree with OU names and the exempt principals', async () => {
    const run = await scpAlt(env, 'status', '--json', '--estate');
    expect(run.code).toBe(0);
    const capture = run.json<EstateCapture>();
    expect(capture.deployment?.bucket).toBe(deployed.scpAlt.deployment.bucket);
    expect(capture.policyFiles).toEqual([policyKey(workloads)]);
    expect(capture.organization?.error).toBeNull();
    const [root] = capture.organization?.roots ?? [];
    expect(root?.id).toBe(stack.organization.rootId);
    const workloadsNode = root?.children.find((child) => child.id === workloads);
    expect(workloadsNode?.name).toBe('Workloads');
    const [principals] = capture.principals ?? [];
    expect(principals?.accountId).toBe(appDev);
    expect(principals?.error).toBeNull();
    expect(principals?.bounded).toBeGreaterThan(0);
    expect(principals?.unbounded).toContainEqual({
      arn: `arn:aws-cn:iam::${appDev}:role/OrganizationAccountAccessRole`,
      reason: 'exempt: organization access role OrganizationAccountAccessRole',
      exempt: true,
    });
  });

  it('Given the same estate, when report runs live, then the page shows the OU by name and the enrolled account', async () => {
    mkdirSync(join('.test-results', 'report'), { recursive: true });
    const out = join('.test-results', 'report', 'live.html');
    const run = await scpAlt(env, 'report', '--out', out);
    expect(run.code).toBe(0);
    expect(run.out).toBe(`wrote ${out}: 1 account(s), 0 FAILED\n`);
    const page = readFileSync(out, 'utf8');
    expect(page).toContain(`OU Workloads (${workloads})`);
    expect(page).toContain(`data-account="${appDev}"`);
  });
});
