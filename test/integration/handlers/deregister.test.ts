/**
 * Terminating the Service Catalog product: CloudFormation sends Delete to account-register, which
 * removes everything enrollment created — also when the policy files are gone by then.
 */
import { EventBridgeClient, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { beforeAll, describe, expect, it } from 'vitest';
import { memberAccountConfig } from '#dev/local-aws/accounts.ts';
import {
  accountItem,
  boundaryPolicyArn,
  carrying,
  defaultVersion,
  memberIam,
  principalBoundaries,
} from '#dev/local-deployment/inspect.ts';
import { deletePolicy, policyKey, samplePolicy, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { useScpAlt } from '../support/for-tests.ts';

const env = useScpAlt();
const account = (name: string) => env.stack.organization.accounts[name] ?? '';
const ou = (path: string) => env.stack.organization.ous[path] ?? '';

beforeAll(async () => {
  const { scpAlt } = env;
  await uploadPolicy(scpAlt.deployment, policyKey(ou('Workloads')), await samplePolicy('deny-all-billing'));
  await uploadPolicy(
    scpAlt.deployment,
    policyKey(`account-${account('app-prod')}`),
    await samplePolicy('deny-leave-organization'),
  );
  for (const [name, path] of [
    ['app-dev', 'Workloads'],
    ['app-prod', 'Workloads/Prod'],
  ] as const) {
    const answer = await scpAlt.enroll(account(name), ou(path));
    if (answer.response?.Status !== 'SUCCESS') throw new Error(`enroll ${name}: ${answer.response?.Reason}`);
  }
});

async function expectNothingLeft(accountId: string) {
  const { scpAlt, stack } = env;
  const iam = await memberIam(stack, accountId);
  const policyArn = boundaryPolicyArn(scpAlt.deployment, accountId);
  expect(carrying(await principalBoundaries(iam), policyArn)).toEqual([]);
  expect(await defaultVersion(iam, policyArn)).toBeUndefined();
  expect(await accountItem(scpAlt.deployment, accountId)).toBeUndefined();
  const events = new EventBridgeClient(await memberAccountConfig(stack, accountId, 'events'));
  const { Rules = [] } = await events.send(new ListRulesCommand({ NamePrefix: 'scp-event-rule' }));
  expect(Rules).toEqual([]);
}

describe('deregister through the custom resource Delete', () => {
  it('detaches every boundary, deletes the policy and the forwarding, removes the record', async () => {
    const appDev = account('app-dev');
    const iam = await memberIam(env.stack, appDev);
    expect(
      carrying(await principalBoundaries(iam), boundaryPolicyArn(env.scpAlt.deployment, appDev)),
    ).not.toEqual([]);

    const answer = await env.scpAlt.deregister(appDev, ou('Workloads'));

    expect(answer.answers).toBe(1);
    expect(answer.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: appDev });
    await expectNothingLeft(appDev);
  });

  it('cleans up just the same when the policy files are gone', async () => {
    const appProd = account('app-prod');
    await deletePolicy(env.scpAlt.deployment, policyKey(`account-${appProd}`));
    await deletePolicy(env.scpAlt.deployment, policyKey(ou('Workloads')));

    const answer = await env.scpAlt.deregister(appProd, ou('Workloads/Prod'));

    expect(answer.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: appProd });
    await expectNothingLeft(appProd);
  });
});
