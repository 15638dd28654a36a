/**
 * A throttling storm: 40 roles created at once in one enrolled account, their CreateRole events
 * carried by the security bus to its queue and handed to iam-event-dispatcher in SQS batches of
 * ten, as Lambda's event source mapping does, while IAM in that account throttles in bursts. What
 * SQS hands back comes round again with its receive count raised, until the queue's
 * maxReceiveCount. Every role ends up bounded, no invocation runs into its timeout, and since
 * every record succeeds in the end, nobody gets a notice.
 */
import { CreateRoleCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { forwardIamCalls } from '#dev/local-deployment/events.ts';
import { lambdaContext } from '#dev/local-deployment/handlers.ts';
import {
  boundaryPolicyArn,
  carrying,
  failureMessages,
  memberIam,
  principalBoundaries,
} from '#dev/local-deployment/inspect.ts';
import { policyKey, samplePolicy, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { partitionOfRegion } from '#policy/partition.ts';
import { useScpAlt } from '../support/for-tests.ts';
import { coldContainers } from './fault-lab.ts';

const env = useScpAlt();
const ROLES = 40;
const BATCH_SIZE = 10;
/**
 * How often a record may come round before the dead-letter queue. How many rounds the storm needs
 * depends on how fast this machine is against the throttle's clock, so the queue here allows
 * enough that a busy machine cannot exhaust it (the deployed queue's 5 are for real failures);
 * what is asserted holds for any count: no notice while SQS will deliver again.
 */
const MAX_RECEIVE_COUNT = 20;
/** The iam-event-dispatcher's timeout is 60 s; a shorter one makes the deadline matter sooner. */
const TIMEOUT_MS = 30_000;

const appDev = () => env.stack.organization.accounts['app-dev'] ?? '';
let iam: IAMClient;

beforeAll(async () => {
  const { scpAlt, stack } = env;
  const workloads = stack.organization.ous.Workloads ?? '';
  await uploadPolicy(scpAlt.deployment, policyKey(workloads), await samplePolicy('deny-all-billing'));
  const enrolled = await scpAlt.enroll(appDev(), workloads);
  expect(enrolled.response?.Status).toBe('SUCCESS');
  iam = await memberIam(stack, appDev());
  await failureMessages(scpAlt.deployment);
});

/** One pass of the queue: what is waiting, by receive count, ten at a time. */
interface Pending {
  record: SQSRecord;
  receives: number;
  /** A record handed back is invisible for the visibility timeout (scaled down here). */
  visibleAtMs: number;
}

/** IamEventQueue's VisibilityTimeout is 360 s; two seconds give the throttle time to refill. */
const VISIBILITY_MS = 2_000;

function batchOf(pending: Pending[]): SQSEvent {
  return {
    Records: pending.map(({ record, receives }) => ({
      ...record,
      attributes: { ...record.attributes, ApproximateReceiveCount: String(receives) },
    })),
  };
}

describe('throttling storm on the IAM event path', () => {
  it('40 CreateRole events under IAM throttling bursts: all bounded, no timeout, no notice', async () => {
    const { scpAlt, stack } = env;
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:${partitionOfRegion(stack.region)}:iam::${appDev()}:root` },
          Action: 'sts:AssumeRole',
        },
      ],
    });
    const names = Array.from({ length: ROLES }, (_, i) => `storm-role-${String(i).padStart(2, '0')}`);
    for (const name of names) {
      await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust }));
    }
    // PutEvents takes ten entries a call.
    const forwarded: SQSEvent = { Records: [] };
    for (let start = 0; start < ROLES; start += BATCH_SIZE) {
      const calls = names.slice(start, start + BATCH_SIZE).map((name) => ({
        accountId: appDev(),
        eventName: 'CreateRole',
        principal: { kind: 'role' as const, name },
      }));
      forwarded.Records.push(...(await forwardIamCalls(scpAlt.deployment, calls)).Records);
    }
    expect(forwarded.Records).toHaveLength(ROLES);

    // A container whose SDK tries each call twice (fault-lab), so the bursts outlast its retries
    // and records go back to SQS. Bursts of four IAM calls, refilled at four a second, in the
    // member account only.
    const { iamEventDispatcher } = await coldContainers(stack, scpAlt.deployment, {
      maxReceiveCount: MAX_RECEIVE_COUNT,
    });
    await stack.control.throttle({ service: 'iam', account: appDev(), ratePerSecond: 4, burst: 4 });
    let pending: Pending[] = forwarded.Records.map((record) => ({ record, receives: 1, visibleAtMs: 0 }));
    const invocations: { records: number; handedBack: number; remainingMs: number }[] = [];
    let deadLettered = 0;
    // Bounded by receives: each record comes back at most maxReceiveCount times.
    for (let pass = 0; pending.length > 0 && pass < ROLES * MAX_RECEIVE_COUNT; pass++) {
      const waitMs = (pending[0]?.visibleAtMs ?? 0) - Date.now();
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      const taken = pending.slice(0, BATCH_SIZE);
      pending = pending.slice(BATCH_SIZE);
      const context = lambdaContext(scpAlt.deployment, 'iam-event-dispatcher', TIMEOUT_MS);
      const answer = await iamEventDispatcher(batchOf(taken), context);
      const failed = new Set(
        ('batchItemFailures' in answer ? answer.batchItemFailures : []).map((item) => item.itemIdentifier),
      );
      invocations.push({
        records: taken.length,
        handedBack: failed.size,
        remainingMs: context.getRemainingTimeInMillis(),
      });
      for (const entry of taken) {
        if (!failed.has(entry.record.messageId)) continue;
        if (entry.receives >= MAX_RECEIVE_COUNT) deadLettered++;
        else
          pending.push({
            record: entry.record,
            receives: entry.receives + 1,
            visibleAtMs: Date.now() + VISIBILITY_MS,
          });
      }
    }
    await stack.control.clearRules();

    const throttled = (await stack.control.calls({ service: 'iam', account: appDev() })).reduce(
      (sum, count) => sum + count.throttled,
      0,
    );
    const notices = await failureMessages(scpAlt.deployment);
    const handedBack = invocations.reduce((sum, run) => sum + run.handedBack, 0);
    console.log(
      `throttling storm: ${ROLES} CreateRole events, ${invocations.length} invocations, ` +
        `${throttled} IAM calls throttled, ${handedBack} records handed back to SQS ` +
        `(the notices a dispatcher that notified every failed attempt would have sent), ` +
        `${deadLettered} dead-lettered, ${notices.length} notices; ` +
        `least time left at the end of an invocation: ${Math.min(...invocations.map((run) => run.remainingMs))} ms of ${TIMEOUT_MS}`,
    );

    expect(throttled).toBeGreaterThan(0);
    expect(handedBack).toBeGreaterThan(0);
    expect(deadLettered).toBe(0);
    expect(notices).toEqual([]);
    for (const run of invocations) expect(run.remainingMs).toBeGreaterThan(0);
    const bounded = carrying(await principalBoundaries(iam), boundaryPolicyArn(scpAlt.deployment, appDev()));
    expect(names.filter((name) => !bounded.includes(`role/${name}`))).toEqual([]);
  });
});
