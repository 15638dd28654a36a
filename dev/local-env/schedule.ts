/**
 * The reconciler's schedule: EventBridge delivers a "Scheduled Event" every period (6 hours as
 * deployed; shorter, or never, for local use).
 */
import type { FunctionName } from '#functions/permissions.ts';
import type { Deployment } from '../local-deployment/deployment.ts';
import { scheduledEvent } from '../local-deployment/events.ts';
import type { Activity } from './activity.ts';
import type { FunctionRunner, Invocation } from './functions.ts';

export interface ScheduleOptions {
  functionName: FunctionName;
  deployment: Deployment;
  runner: FunctionRunner;
  activity: Activity;
  periodMs: number;
  /** Logical id of the rule in the packaged template (names the rule in the event). */
  ruleLogicalId: string;
  onInvocation?(invocation: Invocation, detail: string): void;
}

export class Schedule {
  private timer: NodeJS.Timeout | undefined;
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly options: ScheduleOptions) {}

  start(): void {
    this.timer = setInterval(() => this.fire(), this.options.periodMs);
  }

  /** One scheduled delivery now (also what each tick does). */
  fire(): Promise<void> {
    const { runner, functionName, deployment, activity, ruleLogicalId } = this.options;
    const delivery = activity
      .run(() => runner.invoke(functionName, scheduledEvent(deployment, ruleLogicalId)))
      .then((invocation) => this.options.onInvocation?.(invocation, 'scheduled event'))
      .finally(() => this.running.delete(delivery));
    this.running.add(delivery);
    return delivery;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.running);
  }
}
