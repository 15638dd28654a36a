/**
 * Where native SCPs do not reach, as an operator drives it with the CLI on the local stack: the
 * management account (plan states its exemptions before anything is applied; enroll; deregister)
 * and a standalone account (enroll with its external id under a virtual OU; status; deregister).
 */
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { actingAs } from '#dev/local-aws/accounts.ts';
import { MANAGEMENT_ROLE_NAME } from '#dev/local-deployment/deployment.ts';
import { boundaryPolicyArn, principalBoundaries } from '#dev/local-deployment/inspect.ts';
import { allowManagementEnrollment } from '#dev/local-deployment/management-enrollment.ts';
import { createOperator } from '#dev/local-deployment/operator.ts';
import { policyKey, samplePolicy } from '#dev/local-deployment/policy-files.ts';
import { deployStandaloneRole, STANDALONE_ROLE_NAME } from '#dev/local-deployment/standalone-account.ts';
import { STACKSETS_ADMINISTRATION_ROLE_NAME } from '#policy/management-account.ts';
import { useScpAlt } from '../support/for-tests.ts';
import { scpAlt } from './operator.ts';

const deployed = useScpAlt();
const { stack } = deployed;
const EXTERNAL_ID = 'partner-cli-4d2f';
const VIRTUAL_OU = 'vou-partners';

let env: Record<string, string>;
const management = () => stack.organization.managementAccountId;
const partner = () => stack.organization.standaloneAccounts.partner ?? '';
const root = () => stack.organization.rootId;

async function boundariesIn(iam: IAMClient): Promise<Map<string, string | undefined>> {
  const found = await principalBoundaries(iam);
  return new Map(found.map((principal) => [`${principal.kind}/${principal.name}`, principal.boundaryArn]));
}

beforeAll(async () => {
  const deployment = deployed.scpAlt.deployment;
  // The stack update first: the operator is then trusted by every statement of the management role.
  await allowManagementEnrollment(stack, deployment);
  const operator = await createOperator(stack, deployment);
  await deployStandaloneRole(stack, deployment, partner(), {
    externalId: EXTERNAL_ID,
    operatorRoleArns: [operator.roleArn],
  });
  env = {
    ...operator.environment,
    ENROLL_MANAGEMENT_ACCOUNT: 'yes',
    MANAGEMENT_BREAK_GLASS_NAMES: 'org-admin',
    STANDALONE_ACCOUNT_IDS: partner(),
  };
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws-cn:iam::${management()}:root` },
        Action: 'sts:AssumeRole',
      },
    ],
  });
  const iam = new IAMClient(stack.clientConfig('iam'));
  for (const name of ['org-admin', 'platform-admin', STACKSETS_ADMINISTRATION_ROLE_NAME])
    await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust }));
  await deployed.scpAlt.uploadPolicy(policyKey(root()), await samplePolicy('deny-all-billing'));
  await deployed.scpAlt.uploadPolicy(policyKey(VIRTUAL_OU), await samplePolicy('020-deny-all-S3-actions'));
});

describe('the management account through the CLI', () => {
  it('Given the opt-in, When plan runs for it, Then the exemptions are stated and nothing is applied (exit 0)', async () => {
    const run = await scpAlt(env, 'plan', '--accounts', management());

    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain(`exempt   ${MANAGEMENT_ROLE_NAME}: scp-alt's management role`);
    expect(run.out).toContain(
      `exempt   ${STACKSETS_ADMINISTRATION_ROLE_NAME}: StackSets administration role`,
    );
    expect(run.out).toContain('exempt   org-admin: break-glass');
    const found = await boundariesIn(new IAMClient(stack.clientConfig('iam')));
    expect([...found.values()].filter((arn) => arn !== undefined)).toEqual([]);
  });

  it('When it is enrolled and deregistered, Then only its non-exempt principals carried the boundary in between', async () => {
    const enrolled = await scpAlt(env, 'enroll', '--account', management(), '--ou', root(), '--json');
    expect(enrolled.err).toBe('');
    expect(enrolled.code).toBe(0);
    const iam = new IAMClient(stack.clientConfig('iam'));
    const ours = boundaryPolicyArn(deployed.scpAlt.deployment, management());
    const found = await boundariesIn(iam);
    expect(found.get('role/platform-admin')).toBe(ours);
    for (const exempt of [MANAGEMENT_ROLE_NAME, STACKSETS_ADMINISTRATION_ROLE_NAME, 'org-admin'])
      expect(found.get(`role/${exempt}`), exempt).toBeUndefined();

    const released = await scpAlt(env, 'deregister', '--account', management());
    expect(released.code, released.err).toBe(0);
    expect([...(await boundariesIn(iam)).values()].filter((arn) => arn !== undefined)).toEqual([]);
  });
});

describe('a standalone account through the CLI', () => {
  it('When it is enrolled with its external id under a virtual OU, Then status shows it there, and deregister takes the boundary away', async () => {
    const enrolled = await scpAlt(
      env,
      'enroll',
      '--account',
      partner(),
      '--ou',
      VIRTUAL_OU,
      '--standalone-external-id',
      EXTERNAL_ID,
      '--json',
    );
    expect(enrolled.err).toBe('');
    expect(enrolled.code).toBe(0);
    expect(enrolled.json()).toMatchObject({ accountId: partner(), ouPath: [root(), VIRTUAL_OU] });
    const iam = actingAs(new IAMClient(stack.clientConfig('iam')), partner());
    const ours = boundaryPolicyArn(deployed.scpAlt.deployment, partner());
    const found = await boundariesIn(iam);
    expect(found.get('user/grace')).toBe(ours);
    expect(found.get(`role/${STANDALONE_ROLE_NAME}`)).toBeUndefined();

    const status = await scpAlt(env, 'status', '--json');
    const { accounts } = status.json<{ accounts: Record<string, unknown>[] }>();
    expect(accounts.find((account) => account.accountId === partner())).toMatchObject({
      status: 'ACTIVE',
      ouPath: [root(), VIRTUAL_OU],
    });

    const released = await scpAlt(env, 'deregister', '--account', partner());
    expect(released.code, released.err).toBe(0);
    expect([...(await boundariesIn(iam)).values()].filter((arn) => arn !== undefined)).toEqual([]);
  });
});
