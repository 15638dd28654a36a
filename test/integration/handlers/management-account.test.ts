/**
 * The management account, opt-in, on the local stack through the real handlers: refused without
 * the setting; refused while its boundary would lock the organization's administrators out;
 * enrolled with its exemptions (scp-alt's management role, the StackSets administration role, the
 * named break-glass principals) once a break-glass principal exists; its IAM events handled as a
 * member's; deregistered.
 */
import { CreateRoleCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { roleArn } from '#dev/local-aws/accounts.ts';
import { MANAGEMENT_ROLE_NAME } from '#dev/local-deployment/deployment.ts';
import { lambdaContext } from '#dev/local-deployment/handlers.ts';
import {
  accountItem,
  boundaryPolicyArn,
  defaultVersion,
  failureMessages,
  principalBoundaries,
} from '#dev/local-deployment/inspect.ts';
import { allowManagementEnrollment } from '#dev/local-deployment/management-enrollment.ts';
import { policyKey, samplePolicy } from '#dev/local-deployment/policy-files.ts';
import type { PolicySet } from '#policy/evaluate.ts';
import { STACKSETS_ADMINISTRATION_ROLE_NAME } from '#policy/management-account.ts';
import { ownSourceIdentity } from '#policy/own-sessions.ts';
import { ALLOW_ALL } from '../../unit/bypass/corpus.ts';
import { oracleDecision } from '../../unit/fidelity/oracle.ts';
import { useScpAlt } from '../support/for-tests.ts';

const env = useScpAlt();
const management = () => env.stack.organization.managementAccountId;
const root = () => env.stack.organization.rootId;
// The management account is the local stack's own account: its default credentials act there.
const managementIam = () => new IAMClient(env.stack.clientConfig('iam'));

const DENY_ORGANIZATIONS = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: '*', Resource: '*' },
    { Sid: 'NoOrganizationChanges', Effect: 'Deny', Action: 'organizations:*', Resource: '*' },
  ],
});

const trusting = (principal: Record<string, string>) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }],
  });

async function boundaries(): Promise<Map<string, string | undefined>> {
  const found = await principalBoundaries(managementIam());
  return new Map(found.map((principal) => [`${principal.kind}/${principal.name}`, principal.boundaryArn]));
}

beforeAll(async () => {
  const iam = managementIam();
  const inAccount = { AWS: `arn:aws-cn:iam::${management()}:root` };
  await iam.send(
    new CreateRoleCommand({ RoleName: 'platform-admin', AssumeRolePolicyDocument: trusting(inAccount) }),
  );
  await iam.send(new CreateUserCommand({ UserName: 'finance-analyst' }));
  await iam.send(
    new CreateRoleCommand({
      RoleName: STACKSETS_ADMINISTRATION_ROLE_NAME,
      AssumeRolePolicyDocument: trusting({ Service: 'cloudformation.amazonaws.com' }),
    }),
  );
  await env.scpAlt.uploadPolicy(policyKey(root()), await samplePolicy('deny-all-billing'));
  await env.scpAlt.uploadPolicy(policyKey(`account-${management()}`), DENY_ORGANIZATIONS);
  await failureMessages(env.scpAlt.deployment);
});

describe('the management account, opt-in', () => {
  it('Given the default settings, When the management account is registered, Then it is refused and nothing is written', async () => {
    const answer = await env.scpAlt.enroll(management(), root());

    expect(answer.response?.Status).toBe('FAILED');
    expect(answer.response?.Reason).toContain('ACCOUNT_REFUSED');
    expect(answer.response?.Reason).toContain('EnrollManagementAccount');
    expect(await accountItem(env.scpAlt.deployment, management())).toBeUndefined();
  });

  it('Given the opt-in and a boundary denying Organizations, When no named break-glass principal exists, Then enrollment is refused as a lockout: no principal is bounded and no record is written', async () => {
    await allowManagementEnrollment(env.stack, env.scpAlt.deployment);
    await env.scpAlt.configure({
      ENROLL_MANAGEMENT_ACCOUNT: 'yes',
      MANAGEMENT_BREAK_GLASS_NAMES: 'org-admin',
    });

    const answer = await env.scpAlt.enroll(management(), root());

    expect(answer.response?.Status).toBe('FAILED');
    expect(answer.response?.Reason).toContain('MANAGEMENT_LOCKOUT');
    expect(answer.response?.Reason).toContain('organizations:MoveAccount');
    expect(answer.response?.Reason).toContain('org-admin');
    const found = await boundaries();
    expect([...found.values()].filter((arn) => arn !== undefined)).toEqual([]);
    expect((await failureMessages(env.scpAlt.deployment)).join('\n')).toContain('MANAGEMENT_LOCKOUT');
    expect(await accountItem(env.scpAlt.deployment, management())).toBeUndefined();
  });

  it('Given the break-glass role exists, When the management account is enrolled, Then every principal but the exempt ones carries the boundary', async () => {
    await managementIam().send(
      new CreateRoleCommand({
        RoleName: 'org-admin',
        AssumeRolePolicyDocument: trusting({ AWS: `arn:aws-cn:iam::${management()}:root` }),
      }),
    );

    const answer = await env.scpAlt.enroll(management(), root());

    expect(answer.response?.Status).toBe('SUCCESS');
    const ours = boundaryPolicyArn(env.scpAlt.deployment, management());
    const found = await boundaries();
    expect(found.get('role/platform-admin')).toBe(ours);
    expect(found.get('user/finance-analyst')).toBe(ours);
    expect(found.get(`role/${MANAGEMENT_ROLE_NAME}`)).toBeUndefined();
    expect(found.get(`role/${STACKSETS_ADMINISTRATION_ROLE_NAME}`)).toBeUndefined();
    expect(found.get('role/org-admin')).toBeUndefined();
    expect(await accountItem(env.scpAlt.deployment, management())).toMatchObject({
      Status: 'ACTIVE',
      OuPath: [root()],
    });
  });

  it('Given it is enrolled, When a role is created there, Then the event attaches the boundary; our own marked calls are told apart', async () => {
    await managementIam().send(
      new CreateRoleCommand({
        RoleName: 'late-arrival',
        AssumeRolePolicyDocument: trusting({ AWS: `arn:aws-cn:iam::${management()}:root` }),
      }),
    );
    const created = await env.scpAlt.reportIamCall({
      accountId: management(),
      eventName: 'CreateRole',
      principal: { kind: 'role', name: 'late-arrival' },
    });
    const ourRole = roleArn(env.stack, management(), MANAGEMENT_ROLE_NAME);
    const own = await env.scpAlt.reportIamCall({
      accountId: management(),
      eventName: 'PutRolePermissionsBoundary',
      principal: { kind: 'role', name: 'late-arrival' },
      actorArn: ourRole.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/').concat('/scp-alt-x'),
      sourceIdentity: ownSourceIdentity('iam-event-dispatcher'),
    });

    expect(created).toEqual({ action: 'principal', outcome: 'attached' });
    expect((await boundaries()).get('role/late-arrival')).toBe(
      boundaryPolicyArn(env.scpAlt.deployment, management()),
    );
    expect(own).toEqual({ action: 'ignored', reason: 'made by scp-alt itself' });
  });

  it('Given the boundary deployed there, When a bounded principal tries to become or change an exempt one, Then iam-simulate decides it is explicitly denied', async () => {
    const ours = boundaryPolicyArn(env.scpAlt.deployment, management());
    const deployed = await defaultVersion(managementIam(), ours);
    if (!deployed) throw new Error('no boundary deployed in the management account');
    const policies: PolicySet = {
      scpChain: [],
      identityPolicies: [ALLOW_ALL],
      permissionsBoundary: { source: 'scp-enforce-policy', document: deployed.document },
    };
    const arn = (resource: string) => `arn:aws-cn:iam::${management()}:${resource}`;
    const attempts = [
      ['sts:AssumeRole', arn(`role/${MANAGEMENT_ROLE_NAME}`)],
      ['sts:SetSourceIdentity', arn(`role/${MANAGEMENT_ROLE_NAME}`)],
      ['iam:UpdateAssumeRolePolicy', arn(`role/${MANAGEMENT_ROLE_NAME}`)],
      ['iam:PassRole', arn(`role/${STACKSETS_ADMINISTRATION_ROLE_NAME}`)],
      ['iam:UpdateAssumeRolePolicy', arn('role/org-admin')],
      ['iam:DeleteRole', arn('role/org-admin')],
      ['iam:CreateAccessKey', arn('user/org-admin')],
      ['iam:UpdateUser', arn('user/org-admin')],
    ] as const;
    const decisions = await Promise.all(
      attempts.map(async ([action, resource]) => {
        const decision = await oracleDecision(
          {
            action,
            resource,
            principalArn: arn('role/platform-admin')
              .replace(':iam::', ':sts::')
              .replace(':role/', ':assumed-role/')
              .concat('/admin'),
            accountId: management(),
            context: { 'aws:PrincipalArn': arn('role/platform-admin'), 'aws:PrincipalAccount': management() },
          },
          policies,
        );
        return `${action} ${resource}: ${decision}`;
      }),
    );
    expect(decisions).toEqual(attempts.map(([action, resource]) => `${action} ${resource}: ExplicitDeny`));
  });

  it('Given a role that escaped the event path, When the reconciler runs, Then it carries the boundary and the account stays ACTIVE under the root', async () => {
    await managementIam().send(
      new CreateRoleCommand({
        RoleName: 'unseen',
        AssumeRolePolicyDocument: trusting({ AWS: `arn:aws-cn:iam::${management()}:root` }),
      }),
    );

    await env.scpAlt.handlers.reconciler({}, lambdaContext(env.scpAlt.deployment, 'reconciler'));

    expect((await boundaries()).get('role/unseen')).toBe(
      boundaryPolicyArn(env.scpAlt.deployment, management()),
    );
    expect(await accountItem(env.scpAlt.deployment, management())).toMatchObject({
      Status: 'ACTIVE',
      OuPath: [root()],
    });
  });

  it('When the management account is deregistered, Then no principal there keeps our boundary', async () => {
    const answer = await env.scpAlt.deregister(management(), root());

    expect(answer.response?.Status).toBe('SUCCESS');
    const found = await boundaries();
    expect([...found.values()].filter((arn) => arn !== undefined)).toEqual([]);
    expect(await accountItem(env.scpAlt.deployment, management())).toBeUndefined();
  });
});
