/**
 * Lambda's SQS event source mapping, played against a local queue: several consumers each receive
 * a batch, invoke the function with the SQS event and delete what succeeded. A function error
 * leaves the whole batch to reappear after the queue's visibility timeout; with
 * `ReportBatchItemFailures` only the records the function names in `batchItemFailures` stay (an
 * answer naming a record that is not in the batch fails the whole batch, as Lambda treats it).
 * The queue's redrive policy, enforced by moto on receive, moves a message received
 * `maxReceiveCount` times to its dead-letter queue.
 */
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { FunctionName } from '#functions/permissions.ts';
import type { ObservedQueue } from '../local-aws/observe.ts';
import type { Activity } from './activity.ts';
import type { FunctionRunner, Invocation } from './functions.ts';

export interface SqsEventSourceOptions {
  functionName: FunctionName;
  queue: ObservedQueue;
  /** Acts as the Lambda service (the security account). */
  sqs: SQSClient;
  runner: FunctionRunner;
  activity: Activity;
  region: string;
  /** At most 10: one ReceiveMessage per batch. */
  batchSize: number;
  reportBatchItemFailures: boolean;
  /** Concurrent consumers at most (the mapping's maximum concurrency). */
  consumers: number;
  /**
   * Lambda's scaling of an idle mapping: `start` consumers at first, `perSecond` more each second
   * up to `consumers`. Without it, all consumers poll from the start.
   */
  ramp?: { start: number; perSecond: number };
  onInvocation?(invocation: Invocation, detail: string): void;
}

/** The record Lambda builds for one message (attributes as SQS returned them). */
export function sqsRecord(message: Message, queue: ObservedQueue, region: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? '',
      SenderId: attributes.SenderId ?? '',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? '',
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        {
          dataType: value.DataType ?? 'String',
          ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
          stringListValues: value.StringListValues ?? [],
          binaryListValues: [],
        },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queue.arn,
    awsRegion: region,
  };
}

/** Messages on the queue, visible or in flight: zero once everything sent to it was handled. */
export async function messagesIn(sqs: SQSClient, queue: ObservedQueue): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queue.url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

/**
 * Which messages of the batch succeeded, by Lambda's rules: all of them when the function
 * answered and does not report item failures; none when it failed or its report is not usable.
 */
export function succeededMessageIds(
  messageIds: string[],
  invocation: Invocation,
  reportBatchItemFailures: boolean,
): string[] {
  if (!invocation.ok) return [];
  if (!reportBatchItemFailures) return messageIds;
  const report = invocation.payload as { batchItemFailures?: unknown } | null | undefined;
  const failures = report?.batchItemFailures;
  if (failures === undefined || failures === null) return messageIds;
  if (!Array.isArray(failures)) return [];
  const failed = failures.map((failure) => (failure as { itemIdentifier?: unknown })?.itemIdentifier);
  if (failed.some((id) => typeof id !== 'string' || !messageIds.includes(id))) return [];
  return messageIds.filter((id) => !failed.includes(id));
}

export class SqsEventSource {
  private stopped = false;
  private loops: Promise<void>[] = [];
  private rampTimer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: SqsEventSourceOptions) {}

  start(): void {
    const { consumers, ramp } = this.options;
    const first = ramp ? Math.min(ramp.start, consumers) : consumers;
    this.loops = Array.from({ length: first }, () => this.consume());
    if (!ramp || first >= consumers) return;
    const every = 1000 / ramp.perSecond;
    this.rampTimer = setInterval(() => {
      if (this.stopped || this.loops.length >= consumers) {
        if (this.rampTimer) clearInterval(this.rampTimer);
        return;
      }
      this.loops.push(this.consume());
    }, every);
  }

  /** Stops receiving; resolves once every consumer has finished the batch it holds. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.rampTimer) clearInterval(this.rampTimer);
    await Promise.all(this.loops);
  }

  private async consume(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.pollOnce();
      } catch (error) {
        if (this.stopped) return;
        process.stderr.write(`local-env: ${this.options.functionName} poller: ${String(error)}\n`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private async pollOnce(): Promise<void> {
    const { sqs, queue, batchSize, activity } = this.options;
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: Math.min(batchSize, 10),
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return;
    await activity.run(() => this.deliver(Messages));
  }

  private async deliver(messages: Message[]): Promise<void> {
    const { sqs, queue, runner, functionName, region, reportBatchItemFailures } = this.options;
    const event: SQSEvent = { Records: messages.map((message) => sqsRecord(message, queue, region)) };
    const invocation = await runner.invoke(functionName, event);
    const ids = event.Records.map((record) => record.messageId);
    const succeeded = succeededMessageIds(ids, invocation, reportBatchItemFailures);
    const done = messages.filter((message) => succeeded.includes(message.MessageId ?? ''));
    if (done.length > 0)
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: done.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
          })),
        }),
      );
    const failed = ids.length - done.length;
    this.options.onInvocation?.(
      invocation,
      `${ids.length} message(s)${failed > 0 ? `, ${failed} left for redelivery` : ''}`,
    );
  }
}
