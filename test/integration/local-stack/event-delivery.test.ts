import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { useLocalStack } from '#dev/local-aws/for-tests.ts';
import {
  createQueue,
  drainQueue,
  notifyQueueOfS3Events,
  routeEventsToQueue,
  subscribeQueueToTopic,
} from '#dev/local-aws/observe.ts';

const stack = useLocalStack({ reset: 'each' });
const sqs = new SQSClient(stack.clientConfig('sqs'));

describe('S3 event notifications to SQS', () => {
  it('delivers create and delete events for keys under the prefix only', async () => {
    const s3 = new S3Client(stack.clientConfig('s3'));
    const queue = await createQueue(sqs, 'policy-events');
    await s3.send(
      new CreateBucketCommand({
        Bucket: 'scp-alt-policies',
        CreateBucketConfiguration: { LocationConstraint: 'cn-north-1' },
      }),
    );
    await notifyQueueOfS3Events(s3, {
      bucket: 'scp-alt-policies',
      queue,
      prefix: 'permission-boundary-policy/',
    });

    const key = 'permission-boundary-policy/account-111111111111.json';
    await s3.send(new PutObjectCommand({ Bucket: 'scp-alt-policies', Key: key, Body: '{}' }));
    await s3.send(
      new PutObjectCommand({ Bucket: 'scp-alt-policies', Key: 'elsewhere/readme.txt', Body: 'x' }),
    );
    await s3.send(new DeleteObjectCommand({ Bucket: 'scp-alt-policies', Key: key }));

    const messages = (await drainQueue(sqs, queue.url, { atLeast: 2 })) as {
      Records?: { eventName: string; s3: { object: { key: string } } }[];
    }[];
    const records = messages.flatMap((message) => message.Records ?? []);
    // Keys arrive URL-encoded, as S3 sends them (moto also encodes '/'); consumers must decode.
    const decodeKey = (encoded: string) => decodeURIComponent(encoded.replaceAll('+', ' '));
    expect(records.map((record) => [record.eventName, decodeKey(record.s3.object.key)])).toEqual([
      ['ObjectCreated:Put', key],
      ['ObjectRemoved:Delete', key],
    ]);
  });
});

describe('SNS to SQS', () => {
  it('delivers a published message, unwrapped from the SNS envelope or raw', async () => {
    const sns = new SNSClient(stack.clientConfig('sns'));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'scp-alt-failures' }));
    const enveloped = await createQueue(sqs, 'enveloped');
    const raw = await createQueue(sqs, 'raw');
    await subscribeQueueToTopic(sns, TopicArn ?? '', enveloped);
    await subscribeQueueToTopic(sns, TopicArn ?? '', raw, { raw: true });

    await sns.send(
      new PublishCommand({ TopicArn, Message: JSON.stringify({ account: '111111111111', step: 'attach' }) }),
    );

    const expected = [{ account: '111111111111', step: 'attach' }];
    expect(await drainQueue(sqs, enveloped.url, { atLeast: 1 })).toEqual(expected);
    expect(await drainQueue(sqs, raw.url, { atLeast: 1 })).toEqual(expected);
    expect(TopicArn).toMatch(/^arn:aws-cn:sns:cn-north-1:/);
  });
});

describe('EventBridge rule to SQS', () => {
  it('routes only events that match the pattern', async () => {
    const events = new EventBridgeClient(stack.clientConfig('events'));
    const queue = await createQueue(sqs, 'iam-events');
    await routeEventsToQueue(events, {
      ruleName: 'iam-create',
      eventPattern: { source: ['aws.iam'], detail: { eventName: ['CreateUser', 'CreateRole'] } },
      queue,
    });
    const entry = (eventName: string) => ({
      Source: 'aws.iam',
      DetailType: 'AWS API Call via CloudTrail',
      Detail: JSON.stringify({ eventName, eventID: `id-${eventName}` }),
    });
    await events.send(new PutEventsCommand({ Entries: [entry('CreateUser'), entry('ListRoles')] }));

    const delivered = (await drainQueue(sqs, queue.url, { atLeast: 1 })) as {
      detail: { eventName: string };
    }[];
    expect(delivered.map((event) => event.detail.eventName)).toEqual(['CreateUser']);
  });
});
