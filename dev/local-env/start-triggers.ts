/** Starts one local trigger per entry of triggers.ts, each with its consumers. */
import type { ObservedQueue } from '../local-aws/observe.ts';
import type { Deployment } from '../local-deployment/deployment.ts';
import type { Activity } from './activity.ts';
import type { FunctionRunner, Invocation } from './functions.ts';
import { S3NotificationTrigger } from './s3-notifications.ts';
import { Schedule } from './schedule.ts';
import { SqsEventSource } from './sqs-event-source.ts';
import { LOCAL_TRIGGERS } from './triggers.ts';

export interface TriggerSettings {
  deployment: Deployment;
  runner: FunctionRunner;
  activity: Activity;
  region: string;
  consumers: number;
  /** 0: no schedule runs by itself. */
  reconcileEveryMs: number;
  asyncRetryDelaysSeconds: readonly [number, number];
  onInvocation?(invocation: Invocation, detail: string): void;
}

export interface Triggers {
  /** The queues the triggers consume (what "settled" waits to be empty). */
  queues: ObservedQueue[];
  reconcileNow(): Promise<void>;
  stop(): Promise<void>;
}

interface Started {
  stop(): Promise<void>;
}

export function startTriggers(settings: TriggerSettings): Triggers {
  const { deployment, runner, activity, consumers, onInvocation } = settings;
  const sqs = deployment.clients.sqs;
  const started: Started[] = [];
  const queues: ObservedQueue[] = [];
  const schedules: Schedule[] = [];
  for (const trigger of LOCAL_TRIGGERS) {
    const { functionName } = trigger;
    if (trigger.kind === 'sqs') {
      const queue = trigger.queueOf(deployment);
      const source = new SqsEventSource({
        functionName,
        queue,
        sqs,
        runner,
        activity,
        region: settings.region,
        batchSize: trigger.batchSize,
        reportBatchItemFailures: trigger.reportBatchItemFailures,
        consumers: trigger.maximumConcurrency ?? consumers,
        onInvocation,
      });
      source.start();
      started.push(source);
      queues.push(queue);
    } else if (trigger.kind === 's3') {
      const queue = trigger.queueOf(deployment);
      const notifications = new S3NotificationTrigger({
        functionName,
        queue,
        sqs,
        runner,
        activity,
        consumers,
        retryDelaysSeconds: settings.asyncRetryDelaysSeconds,
        onInvocation,
      });
      notifications.start();
      started.push(notifications);
      queues.push(queue);
    } else if (trigger.kind === 'schedule') {
      const schedule = new Schedule({
        functionName,
        deployment,
        runner,
        activity,
        periodMs: settings.reconcileEveryMs,
        ruleLogicalId: trigger.templateRule,
        onInvocation,
      });
      if (settings.reconcileEveryMs > 0) schedule.start();
      started.push(schedule);
      schedules.push(schedule);
    }
    // custom-resource: invoked on request (ServiceCatalogProduct), nothing to start.
  }
  return {
    queues,
    reconcileNow: async () => {
      await Promise.all(schedules.map((schedule) => schedule.fire()));
    },
    stop: async () => {
      await Promise.all(started.map((trigger) => trigger.stop()));
    },
  };
}
