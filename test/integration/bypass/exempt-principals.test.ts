/**
 * Hardening items 3 and 1, on the local stack: a whitelist name matches as IAM matches names in
 * ARNs, case-sensitively, so a principal the boundary does not protect as whitelisted is never
 * exempt from it; and a whitelisted role whose trust admits more than the whitelist is for is
 * reported at enrollment (or, with WhitelistTrustCheck=refuse, the account is refused).
 */
import { CreateRoleCommand, type IAMClient } from '@aws-sdk/client-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { stackSetsExecRoleName } from '#dev/local-aws/seed.ts';
import {
  accountItem,
  boundaryPolicyArn,
  defaultVersion,
  failureMessages,
  memberIam,
  principalBoundaries,
} from '#dev/local-deployment/inspect.ts';
import { policyKey, samplePolicy, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { useScpAlt } from '../support/for-tests.ts';

const env = useScpAlt();
const account = (name: string) => env.stack.organization.accounts[name] ?? '';
const ou = (path: string) => env.stack.organization.ous[path] ?? '';

const trusting = (principal: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }],
  });

async function createRole(iam: IAMClient, name: string, trust: string) {
  await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust }));
}

async function boundaries(accountId: string): Promise<Map<string, string | undefined>> {
  const principals = await principalBoundaries(await memberIam(env.stack, accountId));
  return new Map(
    principals.map((principal) => [`${principal.kind}/${principal.name}`, principal.boundaryArn]),
  );
}

beforeAll(async () => {
  const { deployment } = env.scpAlt;
  for (const path of ['Workloads', 'Workloads/Prod', 'Sandbox'])
    await uploadPolicy(deployment, policyKey(ou(path)), await samplePolicy('deny-all-billing'));
});

describe('whitelist names match case-sensitively, as IAM matches ARNs', () => {
  it('Given STACKSETS-EXEC-* roles before and after enrollment, Then both carry the boundary while stacksets-exec-* stays exempt', async () => {
    const appDev = account('app-dev');
    const iam = await memberIam(env.stack, appDev);
    const inAccount = trusting(`arn:aws-cn:iam::${appDev}:root`);
    await createRole(iam, 'STACKSETS-EXEC-before', inAccount);

    expect((await env.scpAlt.enroll(appDev, ou('Workloads'))).response?.Status).toBe('SUCCESS');
    await createRole(iam, 'STACKSETS-EXEC-after', inAccount);
    const outcome = await env.scpAlt.reportIamCall({
      accountId: appDev,
      eventName: 'CreateRole',
      principal: { kind: 'role', name: 'STACKSETS-EXEC-after' },
    });

    const ours = boundaryPolicyArn(env.scpAlt.deployment, appDev);
    const found = await boundaries(appDev);
    expect(outcome).toEqual({ action: 'principal', outcome: 'attached' });
    expect(found.get('role/STACKSETS-EXEC-before')).toBe(ours);
    expect(found.get('role/STACKSETS-EXEC-after')).toBe(ours);
    expect(found.get(`role/${stackSetsExecRoleName(appDev)}`)).toBeUndefined();
    // And the boundary protects the lower-case name only: the two agree.
    const deployed = JSON.stringify((await defaultVersion(iam, ours))?.document);
    expect(deployed).toContain(`:role/stacksets-exec-*`);
    expect(deployed).not.toContain('STACKSETS-EXEC');
  });
});

describe('whitelisted roles whose trust admits more than the whitelist is for', () => {
  it('Given a StackSets-named role planted to trust another account, When the account is enrolled, Then it is enrolled and the role and the principal are reported', async () => {
    const appProd = account('app-prod');
    const outsider = `arn:aws-cn:iam::${account('sandbox')}:root`;
    await createRole(await memberIam(env.stack, appProd), 'stacksets-exec-planted', trusting(outsider));
    await failureMessages(env.scpAlt.deployment);

    const answer = await env.scpAlt.enroll(appProd, ou('Workloads/Prod'));

    expect(answer.response?.Status).toBe('SUCCESS');
    const reported = (await failureMessages(env.scpAlt.deployment)).filter((message) =>
      message.includes('WHITELIST_TRUST_OPEN'),
    );
    expect(reported).toHaveLength(1);
    expect(reported[0]).toContain(
      `whitelisted role arn:aws-cn:iam::${appProd}:role/stacksets-exec-planted admits ${outsider}`,
    );
    // The seeded StackSets execution role trusts the StackSets administration role: not reported.
    expect(reported[0]).not.toContain(stackSetsExecRoleName(appProd));
  });

  it('Given WhitelistTrustCheck=refuse, When such an account is enrolled, Then it is refused naming role and principal, and nothing in it is written', async () => {
    const sandbox = account('sandbox');
    const outsider = `arn:aws-cn:iam::${account('app-dev')}:root`;
    await createRole(await memberIam(env.stack, sandbox), 'stacksets-exec-door', trusting(outsider));
    env.scpAlt.deployment.environment.WHITELIST_TRUST_CHECK = 'refuse';
    await env.scpAlt.coldStart();
    try {
      const answer = await env.scpAlt.enroll(sandbox, ou('Sandbox'));

      expect(answer.response?.Status).toBe('FAILED');
      expect(answer.response?.Reason).toMatch(
        new RegExp(`^WHITELIST_TRUST_OPEN: .*role/stacksets-exec-door admits ${outsider}`),
      );
      expect(answer.response?.PhysicalResourceId).toMatch(/^not-enrolled-/);
      const iam = await memberIam(env.stack, sandbox);
      expect(await defaultVersion(iam, boundaryPolicyArn(env.scpAlt.deployment, sandbox))).toBeUndefined();
      expect([...(await boundaries(sandbox)).values()].filter(Boolean)).toEqual([]);
      expect(await accountItem(env.scpAlt.deployment, sandbox)).toBeUndefined();
    } finally {
      env.scpAlt.deployment.environment.WHITELIST_TRUST_CHECK = 'report';
      await env.scpAlt.coldStart();
    }
  });
});
