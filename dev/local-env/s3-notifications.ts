/**
 * S3 invokes s3-event-dispatcher asynchronously, one invocation per event message. moto cannot
 * invoke a function, so the bucket notifies a queue instead (dev/local-deployment) and this
 * trigger takes each message from it and invokes the function with the S3 event as S3 would.
 * Lambda retries a failed asynchronous invocation twice (after about one and two minutes) and
 * then drops the event, there being no on-failure destination; here the waits are shorter.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { FunctionName } from '#functions/permissions.ts';
import type { ObservedQueue } from '../local-aws/observe.ts';
import type { Activity } from './activity.ts';
import type { FunctionRunner, Invocation } from './functions.ts';

/** One invocation and two retries, as Lambda's asynchronous invocation. */
export const ASYNC_ATTEMPTS = 3;

export interface S3NotificationTriggerOptions {
  functionName: FunctionName;
  queue: ObservedQueue;
  sqs: SQSClient;
  runner: FunctionRunner;
  activity: Activity;
  /** Concurrent invocations. */
  consumers: number;
  /** Seconds before the first and the second retry (Lambda: about 60 and 120). */
  retryDelaysSeconds: readonly [number, number];
  onInvocation?(invocation: Invocation, detail: string): void;
}

/** The S3 event message a notification carries, or undefined for S3's test event. */
export function s3EventOf(body: string): { Records: unknown[] } | undefined {
  try {
    const parsed = JSON.parse(body) as { Records?: unknown };
    return Array.isArray(parsed.Records) ? (parsed as { Records: unknown[] }) : undefined;
  } catch {
    return undefined;
  }
}

export class S3NotificationTrigger {
  private stopped = false;
  private loops: Promise<void>[] = [];

  constructor(private readonly options: S3NotificationTriggerOptions) {}

  start(): void {
    this.loops = Array.from({ length: this.options.consumers }, () => this.consume());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  private async consume(): Promise<void> {
    while (!this.stopped) {
      try {
        const { Messages = [] } = await this.options.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.options.queue.url,
            MaxNumberOfMessages: 1,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
        );
        for (const message of Messages) await this.options.activity.run(() => this.deliver(message));
      } catch (error) {
        if (this.stopped) return;
        process.stderr.write(`local-env: ${this.options.functionName} trigger: ${String(error)}\n`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private async deliver(message: Message): Promise<void> {
    const { sqs, queue, runner, functionName, retryDelaysSeconds } = this.options;
    const forget = () =>
      sqs.send(new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: message.ReceiptHandle }));
    const event = s3EventOf(message.Body ?? '');
    if (!event) return void (await forget());
    const attempt = Number(message.Attributes?.ApproximateReceiveCount ?? '1');
    const invocation = await runner.invoke(functionName, event);
    if (invocation.ok || attempt >= ASYNC_ATTEMPTS) await forget();
    else
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queue.url,
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: retryDelaysSeconds[attempt - 1] ?? retryDelaysSeconds[1],
        }),
      );
    const fate = invocation.ok
      ? ''
      : attempt >= ASYNC_ATTEMPTS
        ? `, attempt ${attempt} of ${ASYNC_ATTEMPTS}: event dropped, as Lambda drops it`
        : `, attempt ${attempt} of ${ASYNC_ATTEMPTS}: retried`;
    this.options.onInvocation?.(invocation, `S3 event (${event.Records.length} record(s))${fate}`);
  }
}
