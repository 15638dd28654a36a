/**
 * scp-alt running on the local stack the way it runs in AWS: the default organization seeded with
 * stable ids, scp-alt deployed into it, an operator role for the CLI, and every function wired to
 * its trigger (triggers.ts) — policy bucket notifications, IAM calls of member accounts reaching
 * the security bus as CloudTrail events, the reconciler's schedule, the Service Catalog custom
 * resource. Started by `make local-env` (main.ts), `make demo` and tests alike.
 */
import { type SeededOrganization, seedOrganization } from '../local-aws/seed.ts';
import { type LocalStackClient, startLocalStack } from '../local-aws/stack.ts';
import { type Deployment, deployScpAlt } from '../local-deployment/deployment.ts';
import { createOperator, type Operator } from '../local-deployment/operator.ts';
import type { UnpackedArtifacts } from '../local-lambda/local-lambda.ts';
import { Activity } from './activity.ts';
import { LocalEnvError } from './errors.ts';
import {
  type FunctionRunner,
  type FunctionSource,
  type Invocation,
  sourceRunner,
  zipRunner,
} from './functions.ts';
import { NoticeInbox } from './notices.ts';
import { ServiceCatalogProduct } from './service-catalog.ts';
import { messagesIn } from './sqs-event-source.ts';
import { startTriggers, type Triggers } from './start-triggers.ts';

/** The seed of moto's identifiers: the same account, OU and root ids on every start (README session). */
export const IDENTIFIER_SEED = 42;

export interface LocalEnvironmentOptions {
  /** A stack started elsewhere (a test run's); otherwise one is started and stopped with the environment. */
  stack?: LocalStackClient;
  /** Port of the stack's endpoint when one is started; default a free port. */
  port?: number;
  /** `zip` (default): the packaged functions, as they ship; `source`: the handlers from source, in-process. */
  functions?: FunctionSource;
  /** With `zip`: zips a test run has already unpacked (otherwise unpacked here, removed on stop). */
  artifacts?: UnpackedArtifacts;
  /** Concurrent consumers per queue (default 3). */
  consumers?: number;
  /** Reconciler period; default 10 minutes; 0 = never (AWS: 6 hours). */
  reconcileEveryMs?: number;
  /** The IAM event queue's visibility timeout (default 10 s; AWS: 360 s). */
  visibilityTimeoutSeconds?: number;
  /** Waits before the two retries of a failed S3-triggered invocation (default 2 s and 4 s; AWS: ~1 and ~2 min). */
  asyncRetryDelaysSeconds?: readonly [number, number];
  /** Log level of in-process functions (`source`); the zips log as deployed. */
  logLevel?: 'SILENT' | 'INFO' | 'DEBUG';
  onInvocation?(invocation: Invocation, detail: string): void;
  /** Each failure notice the operators would get by e-mail. */
  onNotice?(text: string): void;
}

export interface LocalEnvironment {
  readonly stack: LocalStackClient;
  readonly organization: SeededOrganization;
  readonly deployment: Deployment;
  readonly operator: Operator;
  readonly functions: FunctionSource;
  /** Every failure notice published so far. */
  readonly notices: readonly string[];
  /** Resolves once nothing is on its way: no emulated event, message, invocation or notice pending. */
  settled(options?: { timeoutMs?: number }): Promise<void>;
  /** A Service Catalog launch (Create) or termination (Delete) of "SCP Account register". */
  launchProduct: ServiceCatalogProduct['request'];
  /** One scheduled reconcile now. */
  reconcileNow(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalEnvironment(
  options: LocalEnvironmentOptions = {},
): Promise<LocalEnvironment> {
  const cleanup: (() => Promise<void>)[] = [];
  let stack = options.stack;
  if (!stack) {
    const started = await startLocalStack({ proxyPort: options.port });
    cleanup.push(() => started.stop());
    stack = started;
  }
  const stopAll = async () => {
    for (const step of cleanup.reverse()) await step();
  };
  try {
    await stack.reset();
    await stack.seedIdentifiers(IDENTIFIER_SEED);
    const organization = await seedOrganization(stack);
    const deployment = await deployScpAlt(stack, organization, {
      iamEventQueue: { visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 10 },
    });
    const operator = await createOperator(stack, deployment);
    const functions = options.functions ?? 'zip';
    const runner: FunctionRunner =
      functions === 'zip'
        ? await zipRunner(stack, deployment, options.artifacts)
        : sourceRunner(stack, deployment, { logLevel: options.logLevel });
    cleanup.push(() => runner.close());
    const control = stack.control;
    await control.emulateEvents({ cloudTrail: true, s3DeleteMarkers: true });
    // A stack shared with other tests goes back to emitting nothing once this environment stops.
    if (options.stack)
      cleanup.push(
        async () => void (await control.emulateEvents({ cloudTrail: false, s3DeleteMarkers: false })),
      );
    const activity = new Activity();
    const inbox = new NoticeInbox(deployment.clients.sqs, deployment.failureQueue, options.onNotice);
    inbox.start();
    cleanup.push(() => inbox.stop());
    const triggers = startTriggers({
      deployment,
      runner,
      activity,
      region: stack.region,
      consumers: options.consumers ?? 3,
      reconcileEveryMs: options.reconcileEveryMs ?? 10 * 60_000,
      asyncRetryDelaysSeconds: options.asyncRetryDelaysSeconds ?? [2, 4],
      onInvocation: options.onInvocation,
    });
    cleanup.push(() => triggers.stop());
    const product = new ServiceCatalogProduct(deployment, runner, options.onInvocation);
    cleanup.push(() => product.close());
    return {
      stack,
      organization,
      deployment,
      operator,
      functions,
      notices: inbox.received,
      settled: (settle) => settled(stack, deployment, activity, triggers, settle?.timeoutMs ?? 120_000),
      launchProduct: (requestType, accountId, ouId) =>
        activity.run(() => product.request(requestType, accountId, ouId)),
      reconcileNow: () => triggers.reconcileNow(),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** What is still on its way, in words; empty when everything has settled. */
async function pendingWork(
  stack: LocalStackClient,
  deployment: Deployment,
  activity: Activity,
  triggers: Triggers,
): Promise<string[]> {
  const pending: string[] = [];
  const { pending: events } = await stack.control.eventEmulation();
  if (events > 0) pending.push(`${events} emulated event(s) on their way`);
  if (activity.inFlight > 0) pending.push(`${activity.inFlight} invocation(s) running`);
  for (const queue of [...triggers.queues, deployment.failureQueue]) {
    const count = await messagesIn(deployment.clients.sqs, queue);
    if (count > 0) pending.push(`${count} message(s) in ${queue.arn.split(':').pop()}`);
  }
  return pending;
}

async function settled(
  stack: LocalStackClient,
  deployment: Deployment,
  activity: Activity,
  triggers: Triggers,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Quiet twice in a row: an invocation that just ended may still have an event in the proxy.
  let quiet = 0;
  while (quiet < 2) {
    const pending = await pendingWork(stack, deployment, activity, triggers);
    quiet = pending.length === 0 ? quiet + 1 : 0;
    if (quiet < 2 && Date.now() > deadline)
      throw new LocalEnvError(
        'local-env.not-settled',
        `still busy after ${timeoutMs} ms: ${pending.join('; ')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}
