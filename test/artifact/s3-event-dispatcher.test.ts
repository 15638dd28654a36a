/**
 * The packaged s3-event-dispatcher, run from its zip: the notifications the policy bucket emits
 * for an uploaded and a removed policy file, delivered directly and wrapped in SQS messages.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { deleteMarkerNotification, sqsEvent, takeS3Notifications } from '#dev/local-deployment/events.ts';
import {
  accountItem,
  actionsIn,
  boundaryPolicyArn,
  type DefaultVersion,
  defaultVersion,
  failureMessages,
  memberIam,
} from '#dev/local-deployment/inspect.ts';
import { deletePolicy, policyKey, samplePolicy, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { usePackagedScpAlt } from './support/packaged-scp-alt.ts';

const env = usePackagedScpAlt();
const account = (name: string) => env.stack.organization.accounts[name] ?? '';
const ou = (path: string) => env.stack.organization.ous[path] ?? '';

async function boundaryOf(accountId: string): Promise<DefaultVersion | undefined> {
  return defaultVersion(await memberIam(env.stack, accountId), boundaryPolicyArn(env.deployment, accountId));
}

/** Uploads the file and returns the notifications the bucket emitted for it. */
async function upload(key: string, body: string) {
  await uploadPolicy(env.deployment, key, body);
  const notifications = await takeS3Notifications(env.deployment);
  expect(notifications.map((n) => n.Records[0]?.eventName)).toEqual(['ObjectCreated:Put']);
  return notifications;
}

async function removal(key: string) {
  return deleteMarkerNotification(env.deployment, key, await deletePolicy(env.deployment, key));
}

beforeAll(async () => {
  await uploadPolicy(
    env.deployment,
    policyKey(ou('Workloads')),
    await samplePolicy('020-deny-all-S3-actions'),
  );
  await env.enroll(account('app-dev'), ou('Workloads'));
  await env.enroll(account('app-prod'), ou('Workloads/Prod'));
  await takeS3Notifications(env.deployment, 0);
  await failureMessages(env.deployment);
});

describe('s3-event-dispatcher from its zip', () => {
  it('an uploaded account file, notification delivered directly: that account is recompiled, no other', async () => {
    const appDev = account('app-dev');
    const appProdBefore = await boundaryOf(account('app-prod'));
    const key = policyKey(`account-${appDev}`);
    const [notification] = await upload(key, await samplePolicy('deny-leave-organization'));

    await env.succeed('s3-event-dispatcher', notification);

    expect(actionsIn((await boundaryOf(appDev))?.document)).toContain('organizations:LeaveOrganization');
    expect((await accountItem(env.deployment, appDev))?.ScpPolicyPathList).toContain(key);
    expect(await boundaryOf(account('app-prod'))).toEqual(appProdBefore);
  });

  it('an uploaded OU file wrapped in SQS: every account below the OU is recompiled, nothing handed back', async () => {
    const notifications = await upload(policyKey(ou('Workloads')), await samplePolicy('deny-all-billing'));

    const answer = await env.succeed(
      's3-event-dispatcher',
      sqsEvent(env.deployment, env.deployment.policyEventQueue, notifications),
    );

    expect(answer).toEqual({ batchItemFailures: [] });
    for (const name of ['app-dev', 'app-prod']) {
      const actions = actionsIn((await boundaryOf(account(name)))?.document);
      expect(actions, name).toContain('aws-portal:*');
      expect(actions, name).not.toContain('s3:*');
    }
  });

  it('a removed file, notification delivered directly: the account is recompiled without it', async () => {
    const appDev = account('app-dev');
    const key = policyKey(`account-${appDev}`);

    await env.succeed('s3-event-dispatcher', await removal(key));

    expect(actionsIn((await boundaryOf(appDev))?.document)).not.toContain('organizations:LeaveOrganization');
    expect((await accountItem(env.deployment, appDev))?.ScpPolicyPathList).not.toContain(key);
  });

  it('a removed file wrapped in SQS: the account is recompiled without it', async () => {
    const appProd = account('app-prod');
    const key = policyKey(`account-${appProd}`);
    const [uploaded] = await upload(key, await samplePolicy('deny-leave-organization'));
    await env.succeed('s3-event-dispatcher', uploaded);
    expect(actionsIn((await boundaryOf(appProd))?.document)).toContain('organizations:LeaveOrganization');

    const answer = await env.succeed(
      's3-event-dispatcher',
      sqsEvent(env.deployment, env.deployment.policyEventQueue, [await removal(key)]),
    );

    expect(answer).toEqual({ batchItemFailures: [] });
    expect(actionsIn((await boundaryOf(appProd))?.document)).not.toContain('organizations:LeaveOrganization');
  });

  it('a broken file: every boundary stays as it was and the operators are told which file', async () => {
    const before = [await boundaryOf(account('app-dev')), await boundaryOf(account('app-prod'))];
    const key = policyKey(ou('Workloads'));
    const [notification] = await upload(
      key,
      '{ "Version": "2012-10-17", "Statement": [ { "Effect": "Deny", ',
    );

    await env.invoke('s3-event-dispatcher', notification);

    expect([await boundaryOf(account('app-dev')), await boundaryOf(account('app-prod'))]).toEqual(before);
    const messages = await failureMessages(env.deployment, { atLeast: 1 });
    expect(messages.some((text) => text.includes('POLICY_INVALID') && text.includes(key))).toBe(true);
  });
});
