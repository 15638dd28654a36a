/**
 * The packaged account-worker, run from its zip with the SQS batch its event source mapping hands
 * over: the account a message names gets the policy files' current content; a reconcile message
 * repairs the account's drift and the batch sends its summary; a record that is not account work
 * is acknowledged and reported once.
 */
import { DeleteRolePermissionsBoundaryCommand, GetRoleCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { type Message, ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  actionsIn,
  boundaryPolicyArn,
  defaultVersion,
  failureMessages,
  memberIam,
} from '#dev/local-deployment/inspect.ts';
import { policyKey, samplePolicy, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { sqsRecord } from '#dev/local-env/sqs-event-source.ts';
import { usePackagedScpAlt } from './support/packaged-scp-alt.ts';

const env = usePackagedScpAlt();
const appDev = () => env.stack.organization.accounts['app-dev'] ?? '';
const workloads = () => env.stack.organization.ous.Workloads ?? '';

beforeAll(async () => {
  await uploadPolicy(env.deployment, policyKey(workloads()), await samplePolicy('deny-all-billing'));
  await env.enroll(appDev(), workloads());
  await failureMessages(env.deployment);
});

/** Sends the bodies to the account work queue and receives them back as Lambda's poller would. */
async function batchOf(bodies: string[]): Promise<{ Records: ReturnType<typeof sqsRecord>[] }> {
  const { sqs } = env.deployment.clients;
  const queue = env.deployment.accountWorkQueue;
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queue.url,
      Entries: bodies.map((MessageBody, index) => ({ Id: String(index), MessageBody })),
    }),
  );
  const messages: Message[] = [];
  while (messages.length < bodies.length) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    messages.push(...Messages);
  }
  return { Records: messages.map((message) => sqsRecord(message, queue, env.stack.region)) };
}

describe('account-worker from its zip, on its queue', () => {
  it('writes the current content of the policy files into the account a message names', async () => {
    await uploadPolicy(env.deployment, policyKey(workloads()), await samplePolicy('020-deny-all-S3-actions'));
    const body = JSON.stringify({
      accountId: appDev(),
      reason: 'policy-change',
      file: policyKey(workloads()),
    });

    const answer = await env.succeed('account-worker', await batchOf([body]));

    expect(answer).toEqual({ batchItemFailures: [] });
    const iam = await memberIam(env.stack, appDev());
    const boundary = await defaultVersion(iam, boundaryPolicyArn(env.deployment, appDev()));
    expect(actionsIn(boundary?.document).some((action) => action.startsWith('s3:'))).toBe(true);
    expect(await failureMessages(env.deployment)).toEqual([]);
  });

  it('repairs the drift of the account a reconcile message names, in one summary for the batch', async () => {
    const iam = await memberIam(env.stack, appDev());
    const policyArn = boundaryPolicyArn(env.deployment, appDev());
    const { Roles = [] } = await iam.send(new ListRolesCommand({}));
    const bounded = [];
    for (const role of Roles) {
      const { Role } = await iam.send(new GetRoleCommand({ RoleName: role.RoleName }));
      if (Role?.PermissionsBoundary?.PermissionsBoundaryArn === policyArn) bounded.push(role.RoleName ?? '');
    }
    const [roleName = ''] = bounded;
    expect(roleName).not.toBe('');
    await iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: roleName }));
    const body = JSON.stringify({
      accountId: appDev(),
      reason: 'reconcile',
      placement: { kind: 'member', ouPath: [env.stack.organization.rootId, workloads()] },
    });

    const answer = await env.succeed('account-worker', await batchOf([body]));

    expect(answer).toEqual({ batchItemFailures: [] });
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    expect(Role?.PermissionsBoundary?.PermissionsBoundaryArn).toBe(policyArn);
    const messages = await failureMessages(env.deployment, { atLeast: 1 });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('DRIFT_REPAIRED');
    expect(messages[0]).toContain(appDev());
  });

  it('acknowledges a message that is not account work and reports it once', async () => {
    const answer = await env.succeed('account-worker', await batchOf(['{"accountId":"not-an-account"}']));

    expect(answer).toEqual({ batchItemFailures: [] });
    const messages = await failureMessages(env.deployment, { atLeast: 1 });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('INPUT_REJECTED');
  });
});
