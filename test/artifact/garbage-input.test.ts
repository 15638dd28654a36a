/**
 * The packaged functions, run from their zips, given input that can never succeed: each returns
 * normally (a function error would make Lambda or SQS run the event again), exactly one notice
 * reaches the operators' topic, nothing is handed back to SQS, and the enrolled account's boundary
 * is unchanged. Policy files past the caps are refused before any account is touched.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sqsEvent, takeS3Notifications } from '#dev/local-deployment/events.ts';
import {
  boundaryPolicyArn,
  carrying,
  defaultVersion,
  failureMessages,
  memberIam,
  principalBoundaries,
} from '#dev/local-deployment/inspect.ts';
import { policyKey, samplePolicy, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { describeFailure, type PackagedFunctionName, usePackagedScpAlt } from './support/packaged-scp-alt.ts';

const env = usePackagedScpAlt();
const appDev = () => env.stack.organization.accounts['app-dev'] ?? '';
const workloads = () => env.stack.organization.ous.Workloads ?? '';

beforeAll(async () => {
  await uploadPolicy(env.deployment, policyKey(workloads()), await samplePolicy('deny-all-billing'));
  await env.enroll(appDev(), workloads());
  await takeS3Notifications(env.deployment, 0);
  await failureMessages(env.deployment);
});

/** The deployed boundary of app-dev: default version and who carries it. */
async function boundaryState() {
  const iam = await memberIam(env.stack, appDev());
  const policyArn = boundaryPolicyArn(env.deployment, appDev());
  return {
    versionId: (await defaultVersion(iam, policyArn))?.versionId,
    carrying: carrying(await principalBoundaries(iam), policyArn),
  };
}

/** Invokes the zip and checks the entry rule; returns the function's answer and the one notice. */
async function expectRejectedOnce(name: PackagedFunctionName, event: unknown, noticeSays: string | RegExp) {
  const before = await boundaryState();
  const result = await env.invoke(name, event);
  expect(result.outcome.status, describeFailure(name, result)).toBe('success');
  const messages = await failureMessages(env.deployment, { atLeast: 1 });
  expect(messages, messages.join('\n---\n')).toHaveLength(1);
  expect(messages[0]).toMatch(noticeSays);
  expect(await boundaryState()).toEqual(before);
  return result.outcome.status === 'success' ? result.outcome.payload : undefined;
}

const deepArray = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
const SHAPELESS: [string, unknown][] = [
  ['{}', {}],
  ['null', null],
  ['[]', []],
  ['a string', 'hello'],
  ['{"Records":[null]}', { Records: [null] }],
];

describe('packaged dispatchers given garbage', () => {
  it.each(
    (['s3-event-dispatcher', 'iam-event-dispatcher'] as const).flatMap((name) =>
      SHAPELESS.map(([shape, event]) => [name, shape, event] as const),
    ),
  )('%s, direct %s: returns normally, one notice', async (name, _shape, event) => {
    await expectRejectedOnce(name, event, /INPUT_REJECTED/);
  });

  it.each(['s3-event-dispatcher', 'iam-event-dispatcher'] as const)(
    '%s, SQS bodies that are not JSON, not an object, nested 100,000 deep: acknowledged, one notice naming each',
    async (name) => {
      const queue =
        name === 's3-event-dispatcher' ? env.deployment.policyEventQueue : env.deployment.iamEventQueue;
      const batch = sqsEvent(env.deployment, queue, [{}, {}, {}, {}]);
      const bodies = [
        'not json {',
        '[1,2]',
        deepArray,
        '{"detail-type":"Scheduled Event","source":"aws.events"}',
      ];
      batch.Records.forEach((record, index) => {
        record.body = bodies[index] ?? '';
      });
      const ids = batch.Records.map((record) => record.messageId);
      const answer = await expectRejectedOnce(name, batch, new RegExp(ids.join('[\\s\\S]*')));
      expect(answer).toEqual({ batchItemFailures: [] });
    },
  );

  it('s3-event-dispatcher, a key that is not valid percent-encoding: the notice names it', async () => {
    const event = {
      Records: [
        {
          eventName: 'ObjectCreated:Put',
          s3: { object: { key: 'permission-boundary-policy/%E0%A4%A.json' } },
        },
      ],
    };
    await expectRejectedOnce('s3-event-dispatcher', event, /%E0%A4%A/);
  });

  it('iam-event-dispatcher, an EventBridge event of another source: the notice names the source', async () => {
    const event = { 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', detail: {} };
    await expectRejectedOnce('iam-event-dispatcher', event, /aws\.s3/);
  });
});

describe('packaged account-register given garbage', () => {
  it.each([
    ...SHAPELESS,
    ['no ResponseURL', { RequestType: 'Create', ResourceProperties: { MemberAccountID: '111111111111' } }],
  ])('%s: returns normally, one notice, nothing to answer', async (_shape, event) => {
    await expectRejectedOnce('account-register', event, /malformed CloudFormation request/);
  });
});

describe('packaged reconciler given garbage', () => {
  it.each([
    ['null', null],
    ['a string', 'hello'],
    ['a replay of a malformed account id', { replay: { accountId: '12' } }],
  ])('%s: nothing runs, one notice', async (_shape, event) => {
    const answer = await expectRejectedOnce('reconciler', event, /INPUT_REJECTED/);
    expect(answer).toMatchObject({ checked: 0, rejected: { code: 'INPUT_REJECTED' } });
  });
});

describe('packaged s3-event-dispatcher given policy files past the caps', () => {
  it.each([
    ['nested 100,000 deep', `{"Version":"2012-10-17","Statement":${deepArray}}`, 'policy.file.too-deep'],
    [
      'of 5 MB',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: Array.from({ length: 49_671 }, (_, i) => ({
          Sid: `Deny${i}`,
          Effect: 'Deny',
          Action: 's3:GetObject',
          Resource: `arn:aws-cn:s3:::bucket-${String(i).padStart(6, '0')}/*`,
        })),
      }),
      'policy.file.too-large',
    ],
  ])('a file %s: refused at validation, the boundary kept, one notice', async (_what, body, code) => {
    const key = policyKey(workloads());
    const original = await samplePolicy('deny-all-billing');
    await uploadPolicy(env.deployment, key, body);
    const [notification] = await takeS3Notifications(env.deployment);
    try {
      const answer = await expectRejectedOnce('s3-event-dispatcher', notification, code);
      expect(answer).toEqual([
        expect.objectContaining({ accounts: [], rejected: [expect.objectContaining({ code })] }),
      ]);
    } finally {
      await uploadPolicy(env.deployment, key, original);
      await takeS3Notifications(env.deployment);
    }
  });
});
