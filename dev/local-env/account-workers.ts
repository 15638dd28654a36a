/**
 * The account worker on its queue, as the deployed event source mapping runs it: `consumers`
 * pollers (the mapping's maximum concurrency), batches of 10, partial batch failures, redelivery
 * after the visibility timeout, moto's redrive to the dead-letter queue. For tests and benchmarks
 * that drive scp-alt through LocalScpAlt rather than the whole local environment.
 */
import type { LocalStackClient } from '../local-aws/stack.ts';
import type { Deployment } from '../local-deployment/deployment.ts';
import { Activity } from './activity.ts';
import { type FunctionRunner, type Invocation, sourceRunner } from './functions.ts';
import { messagesIn, SqsEventSource } from './sqs-event-source.ts';
import { ACCOUNT_WORKERS, LOCAL_TRIGGERS } from './triggers.ts';

/** Lambda's SQS scaling: five concurrent batches at first, up to 300 more a minute. */
const LAMBDA_SQS_RAMP = { start: 5, perSecond: 5 };

export interface AccountWorkers {
  /** Every invocation so far, with what it answered. */
  readonly invocations: Invocation[];
  /** The most invocations that ran at once. */
  readonly peakInFlight: number;
  /** Resolves once the queue is empty (nothing visible or in flight) and no invocation runs. */
  drained(options?: { pollMs?: number; timeoutMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

export interface AccountWorkersOptions {
  /** Default: the deployed maximum concurrency. */
  consumers?: number;
  /** Start with 5 consumers and add 5 a second, as Lambda scales an idle mapping (default: all at once). */
  ramp?: boolean;
  /** Containers started before the first message (a cold Lambda's init, done elsewhere in AWS). */
  prepared?: number;
  /** Default: the handlers from source, a container per invocation in flight, reused warm. */
  runner?: FunctionRunner;
}

export async function startAccountWorkers(
  stack: LocalStackClient,
  deployment: Deployment,
  options: AccountWorkersOptions = {},
): Promise<AccountWorkers> {
  const trigger = LOCAL_TRIGGERS.find((candidate) => candidate.functionName === 'account-worker');
  if (trigger?.kind !== 'sqs') throw new Error('triggers.ts wires no queue to account-worker');
  const runner = options.runner ?? sourceRunner(stack, deployment);
  if (options.prepared) await runner.prepare?.('account-worker', options.prepared);
  const activity = new Activity();
  const invocations: Invocation[] = [];
  let peakInFlight = 0;
  const counted: FunctionRunner = {
    source: runner.source,
    prepare: (functionName, count) => runner.prepare?.(functionName, count) ?? Promise.resolve(),
    invoke: (functionName, event) => {
      peakInFlight = Math.max(peakInFlight, activity.inFlight);
      return runner.invoke(functionName, event);
    },
    close: () => runner.close(),
  };
  const source = new SqsEventSource({
    functionName: 'account-worker',
    queue: deployment.accountWorkQueue,
    sqs: deployment.clients.sqs,
    runner: counted,
    activity,
    region: stack.region,
    batchSize: trigger.batchSize,
    reportBatchItemFailures: trigger.reportBatchItemFailures,
    consumers: options.consumers ?? trigger.maximumConcurrency ?? ACCOUNT_WORKERS,
    onInvocation: (invocation) => invocations.push(invocation),
    ...(options.ramp ? { ramp: LAMBDA_SQS_RAMP } : {}),
  });
  source.start();
  const waiting = async () =>
    activity.inFlight + (await messagesIn(deployment.clients.sqs, deployment.accountWorkQueue));
  return {
    invocations,
    get peakInFlight() {
      return peakInFlight;
    },
    async drained({ pollMs = 50, timeoutMs = 300_000 } = {}) {
      const giveUpAt = Date.now() + timeoutMs;
      // Twice in a row: a batch just received is neither on the queue's count nor running yet.
      for (let quiet = 0; quiet < 2; ) {
        if (Date.now() > giveUpAt) throw new Error(`account work not drained after ${timeoutMs} ms`);
        quiet = (await waiting()) === 0 ? quiet + 1 : 0;
        if (quiet < 2) await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    },
    async stop() {
      await source.stop();
      if (!options.runner) await runner.close();
    },
  };
}
