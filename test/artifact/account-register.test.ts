/**
 * The packaged account-register, run from its zip: the custom-resource requests the Service
 * Catalog product's stack sends on launch, update and termination, answered at the ResponseURL.
 */
import { EventBridgeClient, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { memberAccountConfig } from '#dev/local-aws/accounts.ts';
import {
  accountItem,
  actionsIn,
  attachedPolicyNames,
  boundaryPolicyArn,
  carrying,
  defaultVersion,
  failureMessages,
  localPolicyNames,
  memberIam,
  principalBoundaries,
} from '#dev/local-deployment/inspect.ts';
import {
  conditionalDenyPolicy,
  policyKey,
  samplePolicy,
  uploadPolicy,
} from '#dev/local-deployment/policy-files.ts';
import { describeFailure, type RegistrationAnswer, usePackagedScpAlt } from './support/packaged-scp-alt.ts';

const env = usePackagedScpAlt();
const account = (name: string) => env.stack.organization.accounts[name] ?? '';
const ou = (path: string) => env.stack.organization.ous[path] ?? '';

/** The one answer CloudFormation read, after checking the function itself did not fail. */
function onlyAnswer(answer: RegistrationAnswer) {
  expect(answer.invocation.outcome.status, describeFailure('account-register', answer.invocation)).toBe(
    'success',
  );
  expect(answer.puts, 'one PUT at the ResponseURL').toHaveLength(1);
  return answer.puts[0]!;
}

describe('account-register from its zip: Create, Update, Delete of the custom resource', () => {
  it('Create enrolls the account: boundary on every non-exempt principal, record ACTIVE, SUCCESS at the ResponseURL', async () => {
    const appDev = account('app-dev');
    await uploadPolicy(
      env.deployment,
      policyKey(ou('Workloads')),
      await samplePolicy('020-deny-all-S3-actions'),
    );

    const answer = await env.register('Create', { accountId: appDev, ouId: ou('Workloads') });

    const put = onlyAnswer(answer);
    expect(put.contentType ?? '').toBe('');
    expect(put.body).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: appDev,
      LogicalResourceId: 'ScpAccountRegister',
    });
    expect(put.body.StackId).toMatch(/^arn:aws-cn:cloudformation:cn-north-1:\d{12}:stack\//);
    const policyArn = boundaryPolicyArn(env.deployment, appDev);
    const iam = await memberIam(env.stack, appDev);
    expect(actionsIn((await defaultVersion(iam, policyArn))?.document)).toContain('s3:*');
    expect(carrying(await principalBoundaries(iam), policyArn)).toEqual([
      'role/app-deployer',
      'role/app-runtime',
      'role/scp-event-rule',
      'user/alice',
      'user/bob',
    ]);
    expect(await accountItem(env.deployment, appDev)).toMatchObject({
      AccountId: appDev,
      OuId: ou('Workloads'),
      ScpPolicyPathList: [policyKey(ou('Workloads'))],
      Status: 'ACTIVE',
    });
  });

  it('Create answers FAILED with a readable reason when no policy file applies, and tells the operators', async () => {
    const sandbox = account('sandbox');
    await failureMessages(env.deployment);

    const answer = await env.register('Create', { accountId: sandbox, ouId: ou('Sandbox') });

    const put = onlyAnswer(answer);
    expect(put.body.Status).toBe('FAILED');
    expect(put.body.Reason).toContain('POLICY_MISSING');
    expect(put.body.Reason).toContain(`no policy applies to account ${sandbox}`);
    expect(put.body.PhysicalResourceId).not.toBe('');
    const iam = await memberIam(env.stack, sandbox);
    expect(await defaultVersion(iam, boundaryPolicyArn(env.deployment, sandbox))).toBeUndefined();
    const messages = await failureMessages(env.deployment, { atLeast: 1 });
    expect(messages.some((text) => text.includes('POLICY_MISSING') && text.includes(sandbox))).toBe(true);
  });

  it('Update to another OU recompiles for the new chain and records it', async () => {
    const appProd = account('app-prod');
    await uploadPolicy(
      env.deployment,
      policyKey(ou('Workloads/Prod')),
      await samplePolicy('deny-all-billing'),
    );
    const created = onlyAnswer(await env.register('Create', { accountId: appProd, ouId: ou('Workloads') }));
    expect(created.body.Status, created.body.Reason).toBe('SUCCESS');

    const answer = await env.register('Update', {
      accountId: appProd,
      ouId: ou('Workloads/Prod'),
      oldResourceProperties: { OrganizationUnitID: ou('Workloads') },
    });

    const put = onlyAnswer(answer);
    expect(put.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: appProd });
    expect(await accountItem(env.deployment, appProd)).toMatchObject({
      Status: 'ACTIVE',
      OuId: ou('Workloads/Prod'),
    });
    const iam = await memberIam(env.stack, appProd);
    const boundary = await defaultVersion(iam, boundaryPolicyArn(env.deployment, appProd));
    expect(actionsIn(boundary?.document)).toEqual(expect.arrayContaining(['s3:*', 'aws-portal:*']));
    expect(carrying(await principalBoundaries(iam), boundaryPolicyArn(env.deployment, appProd))).toContain(
      'user/carol',
    );
  });

  it('Create with a chain larger than the boundary attaches the additional policy beside it; Delete removes it too', async () => {
    const sandbox = account('sandbox');
    await uploadPolicy(env.deployment, policyKey(ou('Sandbox')), conditionalDenyPolicy(60));

    const created = onlyAnswer(await env.register('Create', { accountId: sandbox, ouId: ou('Sandbox') }));

    expect(created.body.Status, created.body.Reason).toBe('SUCCESS');
    const iam = await memberIam(env.stack, sandbox);
    expect(await localPolicyNames(iam)).toEqual(['scp-enforce-policy', 'scp-enforce-policy-2']);
    for (const user of ['dave', 'erin', 'frank'])
      expect(await attachedPolicyNames(iam, 'user', user), user).toEqual(['scp-enforce-policy-2']);
    expect(await attachedPolicyNames(iam, 'role', 'experimenter')).toEqual(['scp-enforce-policy-2']);

    const deleted = onlyAnswer(await env.register('Delete', { accountId: sandbox, ouId: ou('Sandbox') }));

    expect(deleted.body.Status).toBe('SUCCESS');
    expect(await localPolicyNames(iam)).toEqual([]);
    expect(await attachedPolicyNames(iam, 'role', 'experimenter')).toEqual([]);
  });

  it('Delete removes everything enrollment created: boundaries, policy, forwarding, record', async () => {
    const appDev = account('app-dev');

    const answer = await env.register('Delete', { accountId: appDev, ouId: ou('Workloads') });

    expect(onlyAnswer(answer).body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: appDev });
    const iam = await memberIam(env.stack, appDev);
    const policyArn = boundaryPolicyArn(env.deployment, appDev);
    expect(carrying(await principalBoundaries(iam), policyArn)).toEqual([]);
    expect(await defaultVersion(iam, policyArn)).toBeUndefined();
    expect(await accountItem(env.deployment, appDev)).toBeUndefined();
    const events = new EventBridgeClient(await memberAccountConfig(env.stack, appDev, 'events'));
    const { Rules = [] } = await events.send(new ListRulesCommand({ NamePrefix: 'scp-event-rule' }));
    expect(Rules).toEqual([]);
    await expect(iam.send(new GetRoleCommand({ RoleName: 'scp-event-rule' }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
    });
  });
});
