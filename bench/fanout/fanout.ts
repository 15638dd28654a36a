/**
 * Section 2: one policy change reaching N enrolled accounts × P principals. Ours is the real
 * s3-event-dispatcher (fresh container, so every account costs its AssumeRole) against the
 * original's sequential loop (bench/baseline/), and against the lower bound of lower-bound.ts.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { loadConfig } from '#shared/config.ts';
import type { PolicyChangeResult } from '#shared/sync-policy.ts';
import { buildPorts, flowContextFor } from '#shared/wiring.ts';
import { functionClientConfig } from '../../test/integration/support/deployment.ts';
import { takeS3Notifications } from '../../test/integration/support/events.ts';
import { lambdaContext } from '../../test/integration/support/handlers.ts';
import { policyKey, uploadPolicy } from '../../test/integration/support/policy-files.ts';
import type { LocalScpAlt } from '../../test/integration/support/scp-alt.ts';
import { memberAccountConfig } from '../../test/local-aws/accounts.ts';
import type { LocalStackClient } from '../../test/local-aws/stack.ts';
import { type BaselineFanout, makeBaselineFanout } from '../baseline/s3-event-dispatcher.ts';
import { baselineConfigFor, deployedFanoutConcurrency, deployForBench } from '../deployment.ts';
import { fanoutLowerBoundMs, MINIMAL_CHANGE } from '../lower-bound.ts';
import type { BenchProfile } from '../profile.ts';
import { applyTraffic, type CallSummary, measure, median } from '../traffic.ts';
import { forEachLimited } from './moto-direct.ts';
import { fleetAccountIds, seedFleet } from './seed-fleet.ts';

export interface FanoutRun {
  wallMs: number;
  calls: CallSummary;
}

export interface BaselineRun {
  /** Accounts the baseline actually wrote; the rest of `accounts` is extrapolated from them. */
  measuredAccounts: number;
  measured: FanoutRun;
  /** For all accounts: measured, or scaled by call count when only a sample was run. */
  wallMs: number;
  totalCalls: number;
  iamWrites: number;
}

export interface FanoutResult {
  accounts: number;
  principalsPerAccount: number;
  concurrency: number;
  /** Configured latency + the stack's idle round trip: the L of the lower bound. */
  effectiveLatencyMs: number;
  oursChanged: FanoutRun;
  oursUnchanged: FanoutRun;
  baseline: BaselineRun;
  /** lower-bound.ts: what the configured latency and IAM throttling allow at this concurrency. */
  lowerBoundMs: number;
  /** Ours' calls ÷ the local stack's measured throughput: what the emulator itself allows. */
  stackBoundMs: number;
  stackCallsPerSecond: number;
  seedMs: number;
}

const SILENT = { debug() {}, info() {}, warn() {}, error() {} };
const denyStatement = (action: string) => ({ Effect: 'Deny', Action: action, Resource: '*' });
/** Successive contents of the fleet's OU file: each differs from the previous in one Deny. */
const fileContent = (...denied: string[]) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, ...denied.map(denyStatement)],
  });

export async function benchFanout(stack: LocalStackClient, profile: BenchProfile): Promise<FanoutResult[]> {
  const scpAlt = await deployForBench(stack, {
    organizationalUnits: profile.fanoutSizes.map((size) => `Fleet-${size}`),
    securityAccount: { name: 'security', ou: 'Security' },
    accounts: [],
  });
  const seedMs = await seedFleets(stack, scpAlt, profile);
  const conditions = await measureConditions(stack, scpAlt, profile);
  const baseline = makeBaselineFanout(await baselineConfigFor(stack, scpAlt));
  await applyTraffic(stack.control, profile.traffic);
  const results: FanoutResult[] = [];
  for (const [index, size] of profile.fanoutSizes.entries()) {
    const ouId = scpAlt.deployment.organization.ous[`Fleet-${size}`] ?? '';
    const target = { stack, scpAlt, ouId, size };
    const file = fileContent('organizations:LeaveOrganization', 'iam:CreateUser');
    const oursChanged = await runOurs(target, file, 'updated');
    // Same policy reformatted: a new object (new ETag) that compiles to the same boundary.
    const oursUnchanged = await runOurs(target, `${file}\n\n`, 'unchanged');
    if (oursUnchanged.calls.iamWrites !== 0)
      throw new Error(`unchanged accounts cost ${oursUnchanged.calls.iamWrites} IAM writes`);
    const baselineRun = await runBaseline(target, baseline, profile.baselineSample(size));
    const lowerBoundMs = fanoutLowerBoundMs({
      ...MINIMAL_CHANGE,
      accounts: size,
      concurrency: conditions.concurrency,
      latencyMs: conditions.effectiveLatencyMs,
      iamBurst: profile.traffic.iamBurst,
      iamRatePerSecond: profile.traffic.iamRatePerSecond,
    });
    results.push({
      accounts: size,
      principalsPerAccount: profile.principalsPerAccount,
      ...conditions,
      oursChanged,
      oursUnchanged,
      baseline: baselineRun,
      lowerBoundMs,
      stackBoundMs: (oursChanged.calls.total / conditions.stackCallsPerSecond) * 1000,
      seedMs: seedMs[index] ?? 0,
    });
  }
  await stack.control.clearRules();
  await scpAlt.stop();
  return results;
}

/** One fleet per size under its own OU, compiled by scp-alt's own compile path; seeding time per fleet. */
async function seedFleets(
  stack: LocalStackClient,
  scpAlt: LocalScpAlt,
  profile: BenchProfile,
): Promise<number[]> {
  const config = loadConfig(scpAlt.deployment.environment);
  const clientConfig = await functionClientConfig(stack, scpAlt.deployment, 's3-event-dispatcher');
  const { ports } = buildPorts(config, { functionName: 's3-event-dispatcher', clientConfig });
  const ctx = flowContextFor(config, ports, SILENT);
  const { rootId, ous } = scpAlt.deployment.organization;
  const seedMs: number[] = [];
  for (const [group, size] of profile.fanoutSizes.entries()) {
    const ouId = ous[`Fleet-${size}`] ?? '';
    await uploadPolicy(scpAlt.deployment, policyKey(ouId), fileContent('organizations:LeaveOrganization'));
    const started = performance.now();
    const fleet = {
      ouPath: [rootId, ouId],
      accountIds: fleetAccountIds(group + 1, size),
      principalsPerAccount: profile.principalsPerAccount,
    };
    await seedFleet(stack, ctx, fleet, scpAlt.deployment.table);
    seedMs.push(performance.now() - started);
    console.error(
      `seeded ${size} accounts × ${fleet.principalsPerAccount} principals in ${Math.round(seedMs.at(-1) ?? 0)} ms`,
    );
  }
  // The uploads' notifications are not part of any measurement.
  await takeS3Notifications(scpAlt.deployment);
  return seedMs;
}

/** Measured before any traffic rule is applied: the stack's own round trip and throughput. */
async function measureConditions(stack: LocalStackClient, scpAlt: LocalScpAlt, profile: BenchProfile) {
  const concurrency = await deployedFanoutConcurrency();
  const effectiveLatencyMs = profile.traffic.latencyMs + (await idleRoundTrip(scpAlt));
  const stackCallsPerSecond = await stackThroughput(stack, scpAlt, concurrency);
  return { concurrency, effectiveLatencyMs, stackCallsPerSecond };
}

interface FanoutTarget {
  stack: LocalStackClient;
  scpAlt: LocalScpAlt;
  ouId: string;
  size: number;
}

/** Uploads the file, then runs the real handler on the notification S3 emitted, in a fresh container. */
async function runOurs(
  target: FanoutTarget,
  body: string,
  expected: 'updated' | 'unchanged',
): Promise<FanoutRun> {
  const { scpAlt, stack, size } = target;
  await uploadPolicy(scpAlt.deployment, policyKey(target.ouId), body);
  const [notification] = await takeS3Notifications(scpAlt.deployment);
  await scpAlt.coldStart();
  console.error(`fan-out to ${size}: scp-alt running (${expected})…`);
  const measured = await measure(stack.control, () =>
    scpAlt.handlers.s3EventDispatcher(
      notification,
      lambdaContext(scpAlt.deployment, 's3-event-dispatcher', 900_000),
    ),
  );
  const outcomes = (measured.value as PolicyChangeResult[]).flatMap((result) =>
    result.accounts.map((a) => a.outcome),
  );
  const matching = outcomes.filter((outcome) => outcome === expected).length;
  if (matching !== size)
    throw new Error(`scp-alt: ${matching} of ${size} accounts ${expected} (${outcomes.join(',')})`);
  return { wallMs: measured.wallMs, calls: measured.calls };
}

/**
 * The sequential baseline on the first `sample` accounts of the OU. When that is not all of them,
 * calls are extrapolated exactly (2 + per-account calls × N) and time in proportion to calls: the
 * baseline makes the same calls for every account, one after another.
 */
async function runBaseline(
  target: FanoutTarget,
  baseline: BaselineFanout,
  sample: number,
): Promise<BaselineRun> {
  const { scpAlt, stack, size } = target;
  const key = policyKey(target.ouId);
  await uploadPolicy(
    scpAlt.deployment,
    key,
    fileContent('organizations:LeaveOrganization', 'iam:CreateUser', 'iam:DeleteRole'),
  );
  await takeS3Notifications(scpAlt.deployment);
  console.error(`fan-out to ${size}: baseline running on ${sample} accounts (sequential)…`);
  const measured = await measure(stack.control, () => baseline(target.ouId, key, sample));
  if (measured.value.accounts !== size || measured.value.applied !== sample)
    throw new Error(
      `baseline found ${measured.value.accounts} and wrote ${measured.value.applied} of ${size} accounts`,
    );
  const perAccountCalls = (measured.calls.total - BASELINE_PRELUDE_CALLS) / sample;
  const totalCalls = BASELINE_PRELUDE_CALLS + perAccountCalls * size;
  return {
    measuredAccounts: sample,
    measured: { wallMs: measured.wallMs, calls: measured.calls },
    wallMs: measured.wallMs * (totalCalls / measured.calls.total),
    totalCalls,
    iamWrites: (measured.calls.iamWrites / sample) * size,
  };
}

/** Scan of the accounts table and GetObject of the file, once per event. */
const BASELINE_PRELUDE_CALLS = 2;

/**
 * Calls per second the local stack completes with `concurrency` callers and no traffic rule: a mix
 * of DynamoDB and IAM reads. moto serves requests one at a time, so this caps any fan-out.
 */
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

/** Median round trip of a cheap call through the proxy with no rule active: the stack's own cost. */
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
