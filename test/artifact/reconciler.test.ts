/**
 * The packaged reconciler, run from its zip with the event its EventBridge schedule delivers:
 * drift made by hand in an enrolled account is repaired and reported.
 */
import { DeleteRolePermissionsBoundaryCommand, GetRoleCommand, type IAMClient } from '@aws-sdk/client-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { scheduledEvent } from '#dev/local-deployment/events.ts';
import { boundaryPolicyArn, failureMessages, memberIam } from '#dev/local-deployment/inspect.ts';
import { policyKey, samplePolicy, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { usePackagedScpAlt } from './support/packaged-scp-alt.ts';

const env = usePackagedScpAlt();
const appDev = () => env.stack.organization.accounts['app-dev'] ?? '';
let iam: IAMClient;

beforeAll(async () => {
  const workloads = env.stack.organization.ous.Workloads ?? '';
  await uploadPolicy(env.deployment, policyKey(workloads), await samplePolicy('deny-all-billing'));
  await env.enroll(appDev(), workloads);
  iam = await memberIam(env.stack, appDev());
  await failureMessages(env.deployment);
});

async function roleBoundary(roleName: string): Promise<string | undefined> {
  return (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role?.PermissionsBoundary
    ?.PermissionsBoundaryArn;
}

describe('reconciler from its zip, on its schedule', () => {
  it('puts back a boundary removed by hand and tells the operators which account it repaired, once', async () => {
    const ours = boundaryPolicyArn(env.deployment, appDev());
    expect(await roleBoundary('app-runtime')).toBe(ours);
    await iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: 'app-runtime' }));
    expect(await roleBoundary('app-runtime')).toBeUndefined();
    const event = scheduledEvent(env.deployment, 'ReconcilerEventsRuleSchedule1');

    await env.succeed('reconciler', event);

    expect(await roleBoundary('app-runtime')).toBe(ours);
    const messages = await failureMessages(env.deployment, { atLeast: 1 });
    expect(
      messages.filter((text) => text.includes(appDev())),
      messages.join('\n'),
    ).toHaveLength(1);
  });

  it('with nothing drifted, changes nothing and sends nothing', async () => {
    const ours = boundaryPolicyArn(env.deployment, appDev());

    await env.succeed('reconciler', scheduledEvent(env.deployment, 'ReconcilerEventsRuleSchedule1'));

    expect(await roleBoundary('app-runtime')).toBe(ours);
    expect(await failureMessages(env.deployment)).toEqual([]);
  });
});
