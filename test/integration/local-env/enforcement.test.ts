/**
 * The local environment enforces as AWS does, with nobody driving the functions: an uploaded or
 * deleted policy file reaches every enrolled account through the bucket's notifications, a role
 * created in a member account gets the boundary through CloudTrail → forwarding rule → security
 * bus → queue, a message the function can never handle is reported once and acknowledged, and the
 * Service Catalog product and the schedule run their functions. Functions from source here; the
 * artifact suite runs the same environment on the zips.
 */
import {
  CreateRoleCommand,
  CreateUserCommand,
  GetRoleCommand,
  GetUserCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberAccountConfig } from '#dev/local-aws/accounts.ts';
import { useLocalStack } from '#dev/local-aws/for-tests.ts';
import { drainQueue } from '#dev/local-aws/observe.ts';
import { accountItem, actionsIn, boundaryPolicyArn, defaultVersion } from '#dev/local-deployment/inspect.ts';
import { deletePolicy, policyKey, samplePolicy, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { type LocalEnvironment, startLocalEnvironment } from '#dev/local-env/environment.ts';
import type { Invocation } from '#dev/local-env/functions.ts';

const stack = useLocalStack({ reset: 'never' });
let env: LocalEnvironment;
const invocations: Invocation[] = [];

beforeAll(async () => {
  env = await startLocalEnvironment({
    stack,
    functions: 'source',
    consumers: 3,
    reconcileEveryMs: 0,
    visibilityTimeoutSeconds: 1,
    onInvocation: (invocation) => invocations.push(invocation),
  });
});
afterAll(async () => {
  await env?.stop();
});

const trust = (account: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: account }, Action: 'sts:AssumeRole' }],
  });

async function boundaryActions(accountId: string): Promise<string[]> {
  const iam = new IAMClient(await memberAccountConfig(stack, accountId, 'iam'));
  return actionsIn((await defaultVersion(iam, boundaryPolicyArn(env.deployment, accountId)))?.document);
}

describe('the local environment, wired as in AWS', () => {
  let appDev: string;
  let workloads: string;
  beforeAll(async () => {
    appDev = env.organization.accounts['app-dev'] ?? '';
    workloads = env.organization.ous.Workloads ?? '';
    await uploadPolicy(env.deployment, policyKey(workloads), await samplePolicy('deny-leave-organization'));
    await env.settled();
  });

  it('Given the seeded organization, then its ids are the same on every start (the README session relies on it)', () => {
    expect(env.organization).toMatchObject({
      rootId: 'r-yf9s',
      ous: {
        Workloads: 'ou-yf9s-mgg1w103',
        'Workloads/Prod': 'ou-yf9s-f07uqnup',
        Sandbox: 'ou-yf9s-dkyayq3s',
      },
      accounts: { security: '534874016400', 'app-dev': '699577738721', 'app-prod': '556464170805' },
    });
  });

  it('Given a Service Catalog launch for app-dev, then account-register answers CloudFormation SUCCESS once and the account is ACTIVE', async () => {
    const answer = await env.launchProduct('Create', appDev, workloads);
    expect(answer).toMatchObject({ answers: 1, response: { Status: 'SUCCESS', PhysicalResourceId: appDev } });
    expect((await accountItem(env.deployment, appDev))?.Status).toBe('ACTIVE');
  });

  it('Given app-dev enrolled, when a policy file is uploaded for its OU, then its boundary changes with no replay', async () => {
    expect(await boundaryActions(appDev)).not.toContain('s3:*');
    await uploadPolicy(
      env.deployment,
      policyKey(workloads, 'deny-s3'),
      await samplePolicy('020-deny-all-S3-actions'),
    );
    await env.settled();
    expect(await boundaryActions(appDev)).toContain('s3:*');
    expect(
      invocations.some((invocation) => invocation.functionName === 's3-event-dispatcher' && invocation.ok),
    ).toBe(true);
  });

  it('Given that file deleted (a delete marker in the versioned bucket), then the boundary is recompiled without it', async () => {
    await deletePolicy(env.deployment, policyKey(workloads, 'deny-s3'));
    await env.settled();
    expect(await boundaryActions(appDev)).not.toContain('s3:*');
  });

  it("Given app-dev's administrator creating a role and a user without a boundary, then both get scp-enforce-policy from the event path", async () => {
    const iam = new IAMClient(await memberAccountConfig(stack, appDev, 'iam'));
    await iam.send(
      new CreateRoleCommand({ RoleName: 'reporting-job', AssumeRolePolicyDocument: trust(appDev) }),
    );
    await iam.send(new CreateUserCommand({ UserName: 'carol-contractor' }));
    await env.settled();
    const boundary = boundaryPolicyArn(env.deployment, appDev);
    const role = await iam.send(new GetRoleCommand({ RoleName: 'reporting-job' }));
    const user = await iam.send(new GetUserCommand({ UserName: 'carol-contractor' }));
    expect(role.Role?.PermissionsBoundary?.PermissionsBoundaryArn).toBe(boundary);
    expect(user.User?.PermissionsBoundary?.PermissionsBoundaryArn).toBe(boundary);
  });

  it('Given a role created in an account that is not enrolled, then nothing forwards its event and it keeps no boundary', async () => {
    const sandbox = env.organization.accounts.sandbox ?? '';
    const iam = new IAMClient(await memberAccountConfig(stack, sandbox, 'iam'));
    await iam.send(
      new CreateRoleCommand({ RoleName: 'unenrolled-job', AssumeRolePolicyDocument: trust(sandbox) }),
    );
    await env.settled();
    const role = await iam.send(new GetRoleCommand({ RoleName: 'unenrolled-job' }));
    expect(role.Role?.PermissionsBoundary).toBeUndefined();
  });

  it('Given a message on the IAM event queue that is not an event, then it is acknowledged at once with one notice and never dead-lettered', async () => {
    const { sqs } = env.deployment.clients;
    const before = env.notices.length;
    await sqs.send(
      new SendMessageCommand({ QueueUrl: env.deployment.iamEventQueue.url, MessageBody: 'not json' }),
    );
    await env.settled();
    // Input that can never succeed is reported once and acknowledged, not retried into the
    // dead-letter queue (which is for failures that might have healed).
    expect(await drainQueue(sqs, env.deployment.iamEventDeadLetterQueue.url)).toEqual([]);
    const notices = env.notices.slice(before);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('INPUT_REJECTED');
  });

  it('Given the schedule fires, then the reconciler checks every enrolled account', async () => {
    const before = invocations.length;
    await env.reconcileNow();
    const reconcile = invocations
      .slice(before)
      .find((invocation) => invocation.functionName === 'reconciler');
    expect(reconcile).toMatchObject({ ok: true, payload: { checked: 1 } });
  });

  it('Given a Service Catalog termination, then account-register deregisters app-dev and answers SUCCESS', async () => {
    const answer = await env.launchProduct('Delete', appDev, workloads);
    expect(answer.response?.Status).toBe('SUCCESS');
    await env.settled();
    expect(await accountItem(env.deployment, appDev)).toBeUndefined();
  });
});
