import { type EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  PutBucketNotificationConfigurationCommand,
  type S3Client,
  type Event as S3Event,
} from '@aws-sdk/client-s3';
import { type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** A queue the tests read from to see what was published, notified or routed. */
export interface ObservedQueue {
  url: string;
  arn: string;
}

export async function createQueue(
  sqs: SQSClient,
  name: string,
  attributes?: Record<string, string>,
): Promise<ObservedQueue> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const url = QueueUrl ?? '';
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return { url, arn: Attributes?.QueueArn ?? '' };
}

/** Every message published to the topic lands in the queue (as the raw message or an SNS envelope). */
export async function subscribeQueueToTopic(
  sns: SNSClient,
  topicArn: string,
  queue: ObservedQueue,
  options: { raw?: boolean } = {},
): Promise<void> {
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queue.arn,
      Attributes: options.raw ? { RawMessageDelivery: 'true' } : undefined,
    }),
  );
}

/** An EventBridge rule with the given pattern whose only target is the queue. */
export async function routeEventsToQueue(
  events: EventBridgeClient,
  options: { ruleName: string; eventPattern: unknown; eventBusName?: string; queue: ObservedQueue },
): Promise<void> {
  await events.send(
    new PutRuleCommand({
      Name: options.ruleName,
      EventBusName: options.eventBusName,
      EventPattern: JSON.stringify(options.eventPattern),
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: options.ruleName,
      EventBusName: options.eventBusName,
      Targets: [{ Id: 'observer', Arn: options.queue.arn }],
    }),
  );
}

/** S3 event notifications of the bucket (optionally filtered by key prefix and suffix) go to the queue. Replaces existing ones. */
export async function notifyQueueOfS3Events(
  s3: S3Client,
  options: { bucket: string; queue: ObservedQueue; prefix?: string; suffix?: string; events?: S3Event[] },
): Promise<void> {
  const rules = [
    ...(options.prefix ? [{ Name: 'prefix' as const, Value: options.prefix }] : []),
    ...(options.suffix ? [{ Name: 'suffix' as const, Value: options.suffix }] : []),
  ];
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: options.bucket,
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            QueueArn: options.queue.arn,
            Events: options.events ?? ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'],
            Filter: rules.length > 0 ? { Key: { FilterRules: rules } } : undefined,
          },
        ],
      },
    }),
  );
}

/**
 * Receive and delete messages until the queue has been quiet for `waitMs` (default 200) and at least
 * `atLeast` (default 0) messages arrived — or `timeoutMs` (default 5000) passed. Bodies are parsed
 * as JSON when they are JSON; an SNS envelope (non-raw delivery) is unwrapped to its message.
 */
export async function drainQueue(
  sqs: SQSClient,
  queueUrl: string,
  options: { waitMs?: number; atLeast?: number; timeoutMs?: number } = {},
): Promise<unknown[]> {
  const { waitMs = 200, atLeast = 0, timeoutMs = 5000 } = options;
  const bodies: unknown[] = [];
  const startedAt = Date.now();
  let quietSince = startedAt;
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length > 0) {
      bodies.push(...Messages.map((message) => decodeBody(message.Body ?? '')));
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
          })),
        }),
      );
      quietSince = Date.now();
      continue;
    }
    const now = Date.now();
    if ((now - quietSince >= waitMs && bodies.length >= atLeast) || now - startedAt >= timeoutMs)
      return bodies;
    await new Promise((resolve) => setTimeout(resolve, Math.min(50, waitMs)));
  }
}

export function decodeBody(body: string): unknown {
  const parsed = parseJson(body);
  if (isSnsEnvelope(parsed)) return parseJson(parsed.Message);
  return parsed;
}

function isSnsEnvelope(value: unknown): value is { Type: string; Message: string } {
  if (typeof value !== 'object' || value === null) return false;
  const envelope = value as { Type?: unknown; Message?: unknown; TopicArn?: unknown };
  return (
    envelope.Type === 'Notification' &&
    typeof envelope.Message === 'string' &&
    typeof envelope.TopicArn === 'string'
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
