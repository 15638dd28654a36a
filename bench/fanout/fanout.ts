/**
 * Section 2: one policy change reaching N enrolled accounts × P principals. Ours is the real
 * s3-event-dispatcher queuing the accounts and the real account worker applying them, with as
 * many pollers as deployed (fresh containers, so every account costs its AssumeRole), against the
 * original's sequential loop (bench/baseline/), and against the lower bound of lower-bound.ts —
 * once per configured latency, because the local stack's capacity, not scp-alt, limits the fan-out
 * when calls are fast (BENCHMARKS.md).
 */

import type { LocalStackClient } from '#dev/local-aws/stack.ts';
import { functionClientConfig } from '#dev/local-deployment/deployment.ts';
import { takeS3Notifications } from '#dev/local-deployment/events.ts';
import { policyKey, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import type { LocalScpAlt } from '#dev/local-deployment/scp-alt.ts';
import { loadConfig } from '#shared/config.ts';
import { buildPorts, flowContextFor } from '#shared/wiring.ts';
import { type BaselineFanout, makeBaselineFanout } from '../baseline/s3-event-dispatcher.ts';
import { baselineConfigFor, deployForBench } from '../deployment.ts';
import { fanoutLowerBoundMs, MINIMAL_CHANGE } from '../lower-bound.ts';
import { type BenchProfile, trafficAt } from '../profile.ts';
import { applyTraffic, type CallSummary, measure } from '../traffic.ts';
import { runQueuedChange } from './queued-change.ts';
import { fleetAccountIds, seedFleet } from './seed-fleet.ts';
import { measureStackConditions, type StackConditions } from './stack-conditions.ts';

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
  /** Configured per-call latency of this row. */
  latencyMs: number;
  /** Configured latency + the stack's idle round trip: the L of the lower bound. */
  effectiveLatencyMs: number;
  oursChanged: FanoutRun;
  oursUnchanged: FanoutRun;
  baseline: BaselineRun;
  /** lower-bound.ts: what the configured latency and IAM throttling allow at this concurrency. */
  lowerBoundMs: number;
  /** Ours' calls ÷ the local stack's measured throughput: what the emulator itself allows. */
  stackBoundMs: number;
  /** What the stack completes with the deployed number of callers and no latency (measured once). */
  stackCallsPerSecond: number;
  /** Calls per second the stack actually served during ours' changed run. */
  oursCallsPerSecond: number;
  seedMs: number;
}

const SILENT = { debug() {}, info() {}, warn() {}, error() {} };
const SEEDED_DENY = 'organizations:LeaveOrganization';
/** Each upload that must change every account adds the next of these Deny statements. */
const LATER_DENIES = [
  'iam:CreateUser',
  'iam:DeleteRole',
  'iam:CreateAccessKey',
  'iam:DeleteUser',
  'iam:DeleteAccessKey',
  'iam:CreateLoginProfile',
  'iam:DeleteLoginProfile',
  'iam:AttachUserPolicy',
];
const denyStatement = (action: string) => ({ Effect: 'Deny', Action: action, Resource: '*' });
/** Generation `n` of the fleet's OU file: generation 0 is seeded, each later one denies one more action. */
function fileGeneration(n: number): string {
  if (n > LATER_DENIES.length) throw new Error(`no policy file generation ${n}`);
  const denied = [SEEDED_DENY, ...LATER_DENIES.slice(0, n)];
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, ...denied.map(denyStatement)],
  });
}

export async function benchFanout(stack: LocalStackClient, profile: BenchProfile): Promise<FanoutResult[]> {
  // An edit of a Deny is 2 IAM writes per account, within IAM's burst: no message is handed back,
  // so the queue's deployed visibility timeout costs nothing, and none is delivered twice.
  const scpAlt = await deployForBench(
    stack,
    {
      organizationalUnits: profile.fanoutSizes.map((size) => `Fleet-${size}`),
      securityAccount: { name: 'security', ou: 'Security' },
      accounts: [],
    },
    { deployedVisibility: true },
  );
  const seedMs = await seedFleets(stack, scpAlt, profile);
  const conditions = await measureStackConditions(stack, scpAlt);
  const baseline = makeBaselineFanout(await baselineConfigFor(stack, scpAlt));
  const results: FanoutResult[] = [];
  for (const [index, size] of profile.fanoutSizes.entries()) {
    const ouId = scpAlt.deployment.organization.ous[`Fleet-${size}`] ?? '';
    const target = { stack, scpAlt, ouId, size };
    let generation = 0;
    const ours: { latencyMs: number; changed: FanoutRun; unchanged: FanoutRun }[] = [];
    for (const latencyMs of profile.latenciesMs) {
      await applyTraffic(stack.control, trafficAt(profile, latencyMs));
      const changed = await runOurs(target, fileGeneration(++generation), 'updated', latencyMs);
      // Same policy reformatted: a new object (new ETag) that compiles to the same boundary.
      const unchanged = await runOurs(target, `${fileGeneration(generation)}\n\n`, 'unchanged', latencyMs);
      if (unchanged.calls.iamWrites !== 0)
        throw new Error(`unchanged accounts cost ${unchanged.calls.iamWrites} IAM writes`);
      ours.push({ latencyMs, changed, unchanged });
    }
    // The baseline writes versions of the same policies without updating our records; run after all
    // of ours so that no row of ours starts from state only the baseline's sampled accounts are in.
    for (const { latencyMs, changed, unchanged } of ours) {
      await applyTraffic(stack.control, trafficAt(profile, latencyMs));
      const baselineRun = await runBaseline(
        target,
        baseline,
        fileGeneration(++generation),
        profile.baselineSample(size, latencyMs),
      );
      results.push({
        accounts: size,
        principalsPerAccount: profile.principalsPerAccount,
        ...rowConditions(profile, conditions, size, latencyMs),
        oursChanged: changed,
        oursUnchanged: unchanged,
        baseline: baselineRun,
        stackBoundMs: (changed.calls.total / conditions.stackCallsPerSecond) * 1000,
        oursCallsPerSecond: changed.calls.total / (changed.wallMs / 1000),
        seedMs: seedMs[index] ?? 0,
      });
    }
  }
  await stack.control.clearRules();
  await scpAlt.stop();
  return results;
}

/** The conditions of one row and the lower bound they imply (lower-bound.ts). */
function rowConditions(
  profile: BenchProfile,
  conditions: StackConditions,
  accounts: number,
  latencyMs: number,
) {
  const effectiveLatencyMs = latencyMs + conditions.idleRoundTripMs;
  const lowerBoundMs = fanoutLowerBoundMs({
    ...MINIMAL_CHANGE,
    accounts,
    concurrency: conditions.concurrency,
    latencyMs: effectiveLatencyMs,
    iamBurst: profile.iamBurst,
    iamRatePerSecond: profile.iamRatePerSecond,
  });
  return {
    concurrency: conditions.concurrency,
    latencyMs,
    effectiveLatencyMs,
    lowerBoundMs,
    stackCallsPerSecond: conditions.stackCallsPerSecond,
  };
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
    await uploadPolicy(scpAlt.deployment, policyKey(ouId), fileGeneration(0));
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

interface FanoutTarget {
  stack: LocalStackClient;
  scpAlt: LocalScpAlt;
  ouId: string;
  size: number;
}

/** Uploads the file and applies the change as deployed (queued-change.ts); every account must be written (or none). */
async function runOurs(
  target: FanoutTarget,
  body: string,
  expected: 'updated' | 'unchanged',
  latencyMs: number,
): Promise<FanoutRun> {
  const { scpAlt, stack, size } = target;
  await uploadPolicy(scpAlt.deployment, policyKey(target.ouId), body);
  const [notification] = await takeS3Notifications(scpAlt.deployment);
  console.error(`fan-out to ${size} at ${latencyMs} ms: scp-alt running (${expected})…`);
  const change = await runQueuedChange(stack, scpAlt, notification);
  const written = change.calls.byOperation['iam:CreatePolicyVersion'] ?? 0;
  if (change.queued !== size || written !== (expected === 'updated' ? size : 0) || change.handedBack > 0)
    throw new Error(
      `scp-alt: ${change.queued} of ${size} accounts queued, ${written} boundaries written, ${change.handedBack} batch(es) handed back (expected ${expected})`,
    );
  return { wallMs: change.wallMs, calls: change.calls };
}

/**
 * The sequential baseline on the first `sample` accounts of the OU. When that is not all of them,
 * calls are extrapolated exactly (2 + per-account calls × N) and time in proportion to calls: the
 * baseline makes the same calls for every account, one after another.
 */
async function runBaseline(
  target: FanoutTarget,
  baseline: BaselineFanout,
  body: string,
  sample: number,
): Promise<BaselineRun> {
  const { scpAlt, stack, size } = target;
  const key = policyKey(target.ouId);
  await uploadPolicy(scpAlt.deployment, key, body);
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
