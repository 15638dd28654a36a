/**
 * One policy change as deployed: the real s3-event-dispatcher on the notification S3 emitted (a
 * fresh container), then the real account worker on what it queued, until the queue is empty.
 * Pollers scale as Lambda scales an idle mapping (5, then 5 more a second, up to the deployed
 * maximum concurrency); worker containers are fresh (cold caches: every account costs its
 * AssumeRole, every container its hop into the management account) and, like the handler's,
 * built before the clock starts. Timed and counted until the last account is written.
 */
import type { LocalStackClient } from '#dev/local-aws/stack.ts';
import type { S3Notification } from '#dev/local-deployment/events.ts';
import { lambdaContext } from '#dev/local-deployment/handlers.ts';
import type { LocalScpAlt } from '#dev/local-deployment/scp-alt.ts';
import { startAccountWorkers } from '#dev/local-env/account-workers.ts';
import type { Invocation } from '#dev/local-env/functions.ts';
import type { PolicyChangeResult } from '#usecases/policy-change.ts';
import { deployedAccountWorkers } from '../deployment.ts';
import { type CallSummary, measure } from '../traffic.ts';

export interface QueuedChange {
  wallMs: number;
  calls: CallSummary;
  /** Accounts the handler queued. */
  queued: number;
  /** Worker invocations that failed or handed messages back (none in a clean run). */
  handedBack: number;
}

export async function runQueuedChange(
  stack: LocalStackClient,
  scpAlt: LocalScpAlt,
  notification: S3Notification | undefined,
): Promise<QueuedChange> {
  await scpAlt.coldStart();
  const consumers = await deployedAccountWorkers();
  // Containers are built before the clock starts, as the handler's is; polling ramps up as Lambda
  // scales an idle mapping (5 pollers, then 5 more a second, up to the maximum concurrency).
  const workers = await startAccountWorkers(stack, scpAlt.deployment, {
    consumers,
    ramp: true,
    prepared: consumers,
  });
  try {
    const measured = await measure(stack.control, async () => {
      const answer = await scpAlt.handlers.s3EventDispatcher(
        notification,
        lambdaContext(scpAlt.deployment, 's3-event-dispatcher', 900_000),
      );
      await workers.drained({ pollMs: 20 });
      return answer as PolicyChangeResult[];
    });
    return {
      wallMs: measured.wallMs,
      calls: measured.calls,
      queued: measured.value.reduce((sum, result) => sum + (result.queued ?? 0), 0),
      handedBack: workers.invocations.filter((invocation) => !invocation.ok || hasItemFailures(invocation))
        .length,
    };
  } finally {
    await workers.stop();
  }
}

function hasItemFailures(invocation: Invocation): boolean {
  const failures = (invocation.payload as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures;
  return (failures ?? []).length > 0;
}
