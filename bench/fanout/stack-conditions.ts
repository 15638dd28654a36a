/**
 * What the local stack itself costs, measured before any traffic rule is applied: the idle round
 * trip of one cheap call (added to the configured latency to make the L of the lower bound) and the
 * calls per second it completes with the deployed number of callers (moto serves one request at a
 * time, so this caps any fan-out on this machine; AWS has no such cap).
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { memberAccountConfig } from '#dev/local-aws/accounts.ts';
import type { LocalStackClient } from '#dev/local-aws/stack.ts';
import type { LocalScpAlt } from '#dev/local-deployment/scp-alt.ts';
import { deployedAccountWorkers } from '../deployment.ts';

/** Messages (accounts) per account worker invocation, as serverless.yml maps the queue. */
const WORKER_BATCH = 10;
/** More callers than this only queue up in moto, which serves one request at a time. */
const MAX_PROBE_CALLERS = 64;

import { median } from '../traffic.ts';
import { forEachLimited } from './moto-direct.ts';

export interface StackConditions {
  /** Accounts in flight as deployed: the account worker's maximum concurrency × its batch of 10. */
  concurrency: number;
  /** Median round trip of a cheap call through the proxy with no rule active. */
  idleRoundTripMs: number;
  /** Calls per second the stack completes with `concurrency` callers (at most 64) and no rule active. */
  stackCallsPerSecond: number;
}

export async function measureStackConditions(
  stack: LocalStackClient,
  scpAlt: LocalScpAlt,
): Promise<StackConditions> {
  const concurrency = (await deployedAccountWorkers()) * WORKER_BATCH;
  const idleRoundTripMs = await idleRoundTrip(scpAlt);
  const stackCallsPerSecond = await stackThroughput(stack, scpAlt, Math.min(concurrency, MAX_PROBE_CALLERS));
  return { concurrency, idleRoundTripMs, stackCallsPerSecond };
}

/** A mix of DynamoDB and IAM reads from `concurrency` callers at once. */
async function stackThroughput(
  stack: LocalStackClient,
  scpAlt: LocalScpAlt,
  concurrency: number,
): Promise<number> {
  const { deployment } = scpAlt;
  const iam = new IAMClient(await memberAccountConfig(stack, deployment.securityAccountId, 'iam'));
  const calls = Array.from({ length: 20 * concurrency }, (_, index) => index);
  const started = performance.now();
  await forEachLimited(calls, concurrency, async (index) => {
    if (index % 2 === 0) {
      await deployment.clients.dynamodb.send(
        new GetItemCommand({ TableName: deployment.table, Key: { AccountId: { S: 'none' } } }),
      );
    } else {
      await iam.send(new GetRoleCommand({ RoleName: 'OrganizationAccountAccessRole' }));
    }
  });
  return calls.length / ((performance.now() - started) / 1000);
}

async function idleRoundTrip(scpAlt: LocalScpAlt): Promise<number> {
  const { dynamodb } = scpAlt.deployment.clients;
  const samples: number[] = [];
  for (let index = 0; index < 21; index++) {
    const started = performance.now();
    await dynamodb.send(
      new GetItemCommand({ TableName: scpAlt.deployment.table, Key: { AccountId: { S: 'none' } } }),
    );
    samples.push(performance.now() - started);
  }
  return median(samples);
}
