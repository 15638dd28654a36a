/**
 * The local SQS event source mapping against a real (moto) queue with a dead-letter queue: several
 * consumers at once, partial batch failures, redelivery after the visibility timeout and the move
 * to the dead-letter queue after maxReceiveCount receives. The function is a recording stand-in.
 */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { useLocalStack } from '#dev/local-aws/for-tests.ts';
import { createQueue, drainQueue, type ObservedQueue } from '#dev/local-aws/observe.ts';
import { Activity } from '#dev/local-env/activity.ts';
import type { FunctionRunner, Invocation } from '#dev/local-env/functions.ts';
import { SqsEventSource } from '#dev/local-env/sqs-event-source.ts';

const stack = useLocalStack({ reset: 'each' });
const sqs = new SQSClient(stack.clientConfig('sqs'));
const sources: SqsEventSource[] = [];
afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.stop()));
});

async function queueWithDeadLetters(name: string, maxReceiveCount: number) {
  const deadLetters = await createQueue(sqs, `${name}-dlq`);
  const queue = await createQueue(sqs, name, {
    VisibilityTimeout: '1',
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetters.arn, maxReceiveCount }),
  });
  return { queue, deadLetters };
}

async function send(queue: ObservedQueue, bodies: string[]) {
  for (let start = 0; start < bodies.length; start += 10)
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: bodies
          .slice(start, start + 10)
          .map((body, index) => ({ Id: String(index), MessageBody: body })),
      }),
    );
}

type Answer = (event: SQSEvent) => Promise<Omit<Invocation, 'functionName' | 'log' | 'durationMs'>>;

/** A function that records every record body it was given and answers as `answer` says. */
function recordingRunner(answer: Answer) {
  const deliveries: string[] = [];
  const runner: FunctionRunner = {
    source: 'source',
    async invoke(functionName, event) {
      const batch = event as SQSEvent;
      deliveries.push(...batch.Records.map((record) => record.body));
      return { functionName, log: '', durationMs: 0, ...(await answer(batch)) };
    },
    close: async () => undefined,
  };
  return { runner, deliveries };
}

function startSource(queue: ObservedQueue, runner: FunctionRunner, consumers: number, batchSize = 10) {
  const source = new SqsEventSource({
    functionName: 'iam-event-dispatcher',
    queue,
    sqs,
    runner,
    activity: new Activity(),
    region: stack.region,
    batchSize,
    reportBatchItemFailures: true,
    consumers,
  });
  sources.push(source);
  source.start();
  return source;
}

/** Resolves once `condition` holds; the bound only turns a hang into a failure that says what was seen. */
async function eventually(condition: () => boolean, what: () => string): Promise<void> {
  for (let waited = 0; !condition(); waited += 50) {
    if (waited > 60_000) throw new Error(`never happened; seen: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('local SQS event source mapping', () => {
  it('Given three consumers and a slow function, when six messages wait, then three batches run at the same time', async () => {
    const { queue } = await queueWithDeadLetters('concurrent', 5);
    let running = 0;
    let most = 0;
    let release: () => void = () => undefined;
    const threeRunning = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { runner, deliveries } = recordingRunner(async () => {
      running += 1;
      most = Math.max(most, running);
      if (running === 3) release();
      await threeRunning;
      running -= 1;
      return { ok: true, payload: { batchItemFailures: [] } };
    });
    startSource(queue, runner, 3, 1);
    await send(queue, ['a', 'b', 'c', 'd', 'e', 'f']);
    await eventually(
      () => deliveries.length === 6,
      () => deliveries.join(','),
    );
    expect(most).toBe(3);
    expect([...deliveries].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('Given a batch where one record fails every time, then the others are delivered once and the failing one moves to the dead-letter queue after 5 receives', async () => {
    const { queue, deadLetters } = await queueWithDeadLetters('poison', 5);
    const { runner, deliveries } = recordingRunner(async (batch) => ({
      ok: true,
      payload: {
        batchItemFailures: batch.Records.filter((record) => record.body === 'poison').map((record) => ({
          itemIdentifier: record.messageId,
        })),
      },
    }));
    await send(queue, ['good-1', 'poison', 'good-2']);
    startSource(queue, runner, 2);
    const moved = await drainQueue(sqs, deadLetters.url, { atLeast: 1, timeoutMs: 60_000 });
    expect(moved).toEqual(['poison']);
    expect(deliveries.filter((body) => body === 'poison')).toHaveLength(5);
    expect(deliveries.filter((body) => body !== 'poison').sort()).toEqual(['good-1', 'good-2']);
  });

  it('Given a function error on the first try, then the whole batch comes back after the visibility timeout and succeeds', async () => {
    const { queue, deadLetters } = await queueWithDeadLetters('flaky', 5);
    let calls = 0;
    const { runner, deliveries } = recordingRunner(async () => {
      calls += 1;
      return calls === 1
        ? { ok: false, error: { type: 'Sandbox.Timedout', message: 'timed out' } }
        : { ok: true, payload: null };
    });
    await send(queue, ['x', 'y']);
    startSource(queue, runner, 1);
    await eventually(
      () => deliveries.length >= 4,
      () => deliveries.join(','),
    );
    expect(deliveries.slice(0, 2).sort()).toEqual(['x', 'y']);
    expect(deliveries.slice(2).sort()).toEqual(['x', 'y']);
    expect(await drainQueue(sqs, deadLetters.url, { timeoutMs: 300 })).toEqual([]);
  });
});
