/** `replay`: accounts the functions left FAILED are re-driven once their cause is fixed. */
import { beforeAll, describe, expect, it } from 'vitest';
import { policyKey, samplePolicy, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { useScpAlt } from '../support/for-tests.ts';
import { operatorEnvironment, scpAlt } from './operator.ts';

const deployed = useScpAlt();
const { stack } = deployed;

interface ReplayJson {
  results: { accountId: string; action: string; outcome: string; code?: string; reason?: string }[];
}

describe('scp-alt replay', () => {
  let env: Record<string, string>;
  let sandbox: string;
  let sandboxOu: string;
  beforeAll(async () => {
    env = await operatorEnvironment(stack, deployed.scpAlt.deployment);
    sandbox = stack.organization.accounts.sandbox ?? '';
    sandboxOu = stack.organization.ous.Sandbox ?? '';
  });

  it('Given no FAILED account, when replay runs, then there is nothing to do (exit 0)', async () => {
    const run = await scpAlt(env, 'replay');
    expect(run.code).toBe(0);
    expect(run.out).toBe('no FAILED accounts: nothing to replay\n');
  });

  it('Given an account registered before any policy file existed, when registered, then its record is FAILED with POLICY_MISSING', async () => {
    const run = await scpAlt(env, 'enroll', '--account', sandbox, '--ou', sandboxOu);
    expect(run.code).toBe(1);
    expect(run.err).toContain('POLICY_MISSING');
    const status = await scpAlt(env, 'status', '--account', sandbox, '--json');
    expect(status.code).toBe(1);
    expect(status.json()).toMatchObject({
      accounts: [{ accountId: sandbox, status: 'FAILED', boundaryVersionId: null }],
    });
  });

  it('Given that FAILED account (no OU path recorded), when plan runs, then its path comes from Organizations and the cause is named', async () => {
    const run = await scpAlt(env, 'plan', '--accounts', sandbox, '--json');
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({
      accounts: [
        {
          accountId: sandbox,
          status: 'FAILED',
          ouPath: [stack.organization.rootId, sandboxOu],
          error: { code: 'POLICY_MISSING' },
        },
      ],
    });
  });

  it('Given the cause not fixed yet, when replay runs, then the account fails again and the exit code is 1', async () => {
    const run = await scpAlt(env, 'replay', '--json');
    expect(run.code).toBe(1);
    expect(run.json<ReplayJson>().results).toEqual([
      expect.objectContaining({
        accountId: sandbox,
        action: 'enroll',
        outcome: 'failed',
        code: 'POLICY_MISSING',
      }),
    ]);
  });

  it('Given the policy file uploaded, when replay runs, then the unfinished enrollment is redone and the account is ACTIVE (exit 0)', async () => {
    await uploadPolicy(
      deployed.scpAlt.deployment,
      policyKey(sandboxOu),
      await samplePolicy('deny-leave-organization'),
    );
    const run = await scpAlt(env, 'replay', '--json');
    expect(run.code).toBe(0);
    expect(run.json<ReplayJson>().results).toEqual([
      { accountId: sandbox, action: 'enroll', outcome: 're-enrolled' },
    ]);
    const status = await scpAlt(env, 'status', '--account', sandbox, '--json');
    expect(status.code).toBe(0);
    expect(status.json()).toMatchObject({
      accounts: [{ status: 'ACTIVE', policyFileKeys: [policyKey(sandboxOu)] }],
    });
  });

  it('Given an ACTIVE account named explicitly, when replay runs, then it is re-synced from the bucket (exit 0)', async () => {
    const run = await scpAlt(env, 'replay', '--account', sandbox);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(
      new RegExp(`^ACCOUNT\\s+ACTION\\s+OUTCOME\\s+REASON\\n${sandbox}\\s+sync\\s+updated\\n$`),
    );
  });

  it('Given an account that is not enrolled, when replay names it, then it is reported and the exit code is 1', async () => {
    const other = stack.organization.accounts['app-prod'] ?? '';
    const run = await scpAlt(env, 'replay', '--account', other, '--json');
    expect(run.code).toBe(1);
    expect(run.json<ReplayJson>().results).toEqual([
      { accountId: other, action: 'none', outcome: 'failed', reason: 'not enrolled' },
    ]);
  });
});
