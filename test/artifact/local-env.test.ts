/**
 * The local environment on what ships: the zips run by plain node from their triggers, with no
 * test driving them. An upload reaches an enrolled account, a role created in it gets the
 * boundary from its CloudTrail event, and a message the function cannot handle ends in the
 * dead-letter queue after 5 receives.
 */
import { CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { memberAccountConfig } from '#dev/local-aws/accounts.ts';
import { useLocalStack } from '#dev/local-aws/for-tests.ts';
import { drainQueue } from '#dev/local-aws/observe.ts';
import { actionsIn, boundaryPolicyArn, defaultVersion } from '#dev/local-deployment/inspect.ts';
import { policyKey, samplePolicy, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { type LocalEnvironment, startLocalEnvironment } from '#dev/local-env/environment.ts';
import type { Invocation } from '#dev/local-env/functions.ts';
import type {} from './support/vitest-context.ts';

const stack = useLocalStack({ reset: 'never' });
let env: LocalEnvironment;
const invocations: Invocation[] = [];

beforeAll(async () => {
  env = await startLocalEnvironment({
    stack,
    functions: 'zip',
    artifacts: inject('artifacts'),
    reconcileEveryMs: 0,
    visibilityTimeoutSeconds: 1,
    onInvocation: (invocation) => invocations.push(invocation),
  });
});
afterAll(async () => {
  await env?.stop();
});

describe('the local environment running the zips', () => {
  let appDev: string;
  let iam: IAMClient;
  beforeAll(async () => {
    appDev = env.organization.accounts['app-dev'] ?? '';
    iam = new IAMClient(await memberAccountConfig(stack, appDev, 'iam'));
    const workloads = env.organization.ous.Workloads ?? '';
    await uploadPolicy(env.deployment, policyKey(workloads), await samplePolicy('deny-leave-organization'));
    await env.settled();
    expect((await env.launchProduct('Create', appDev, workloads)).response?.Status).toBe('SUCCESS');
    await env.settled();
  });

  it('Given app-dev enrolled, when a file is uploaded for its OU, then the packaged s3-event-dispatcher rewrites its boundary', async () => {
    const workloads = env.organization.ous.Workloads ?? '';
    await uploadPolicy(
      env.deployment,
      policyKey(workloads, 'deny-s3'),
      await samplePolicy('020-deny-all-S3-actions'),
    );
    await env.settled();
    const boundary = await defaultVersion(iam, boundaryPolicyArn(env.deployment, appDev));
    expect(boundary?.versionId).toBe('v2');
    expect(actionsIn(boundary?.document)).toContain('s3:*');
  });

  it('Given a role created in app-dev without a boundary, then the packaged iam-event-dispatcher attaches it from the forwarded event', async () => {
    const trust = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: appDev }, Action: 'sts:AssumeRole' }],
    };
    await iam.send(
      new CreateRoleCommand({ RoleName: 'reporting-job', AssumeRolePolicyDocument: JSON.stringify(trust) }),
    );
    await env.settled();
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'reporting-job' }));
    expect(Role?.PermissionsBoundary?.PermissionsBoundaryArn).toBe(boundaryPolicyArn(env.deployment, appDev));
  });

  it('Given a message that is not an event, then the packaged function acknowledges it with one notice and it is never dead-lettered', async () => {
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

  it('Given everything so far, then account-register, s3-event-dispatcher and iam-event-dispatcher ran from their zips and none failed', () => {
    expect(invocations.length).toBeGreaterThan(0);
    expect(invocations.filter((invocation) => !invocation.ok)).toEqual([]);
    expect(new Set(invocations.map((invocation) => invocation.functionName))).toEqual(
      new Set(['account-register', 's3-event-dispatcher', 'iam-event-dispatcher']),
    );
  });
});
