/**
 * Section 4: what the additional policies cost. A fleet of N accounts × P principals whose chain
 * spills out of the boundary into two additional policies, seeded in the steady state; then, per
 * CreateRole event (the role carries the boundary from its create, the event attaches the
 * additional policies), and per policy change across the fleet: an edit that touches only the last
 * additional policy, one that shifts statements through all of them, one that needs one policy
 * more, one that needs one fewer, and one that changes nothing. No baseline: the original system
 * had one policy per account.
 */
import { CreateRoleCommand, IAMClient, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import type { LocalStackClient } from '#dev/local-aws/stack.ts';
import { functionClientConfig } from '#dev/local-deployment/deployment.ts';
import { takeS3Notifications } from '#dev/local-deployment/events.ts';
import { lambdaContext } from '#dev/local-deployment/handlers.ts';
import { policyKey, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import type { LocalScpAlt } from '#dev/local-deployment/scp-alt.ts';
import { iamPolicyArn } from '#policy/arn.ts';
import { partitionOfRegion } from '#policy/partition.ts';
import { loadConfig } from '#shared/config.ts';
import { buildPorts, flowContextFor } from '#shared/wiring.ts';
import type { IamEventOutcome } from '#usecases/iam-event.ts';
import { deployForBench } from './deployment.ts';
import { actingIn, motoDirectConfig } from './fanout/moto-direct.ts';
import { runQueuedChange } from './fanout/queued-change.ts';
import { fleetAccountIds, seedFleet } from './fanout/seed-fleet.ts';
import { createRoleEvent, perEventLatencyMs } from './per-event.ts';
import { type BenchProfile, HEADLINE_LATENCY_MS, trafficAt } from './profile.ts';
import { applyTraffic, type CallSummary, measure, median } from './traffic.ts';

export type SpillChange =
  | 'last policy edited'
  | 'statements shift'
  | 'one policy more'
  | 'one policy fewer'
  | 'unchanged';

export interface SpillEvents {
  latencyMs: number;
  additionalPolicies: number;
  events: number;
  callsPerEvent: number;
  wallMsPerEvent: number;
  typicalEvent: CallSummary;
}

export interface SpillChangeResult {
  change: SpillChange;
  accounts: number;
  principalsPerAccount: number;
  latencyMs: number;
  /** Additional policies per account before → after. */
  additionalBefore: number;
  additionalAfter: number;
  wallMs: number;
  calls: CallSummary;
}

export interface SpillResult {
  events: SpillEvents;
  changes: SpillChangeResult[];
  seedMs: number;
}

const SILENT = { debug() {}, info() {}, warn() {}, error() {} };
const WARM_UP_EVENTS = 4;

/** Teams 0 … count - 1, after `front` teams put before them. */
const teams = (count: number, front: number[] = []) => [
  ...front,
  ...Array.from({ length: count }, (_, i) => i),
];

/** Allow * and one Deny of ec2:RunInstances per team (each its own condition: nothing merges). */
function spillingFile(teamNumbers: number[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: '*', Resource: '*' },
      ...teamNumbers.map((team) => ({
        Effect: 'Deny',
        Action: 'ec2:RunInstances',
        Resource: '*',
        Condition: { StringEquals: { 'aws:PrincipalTag/team': `team-${team}` } },
      })),
    ],
  });
}

/** Seeded: 120 Denies, two additional policies beside the boundary. */
const SEEDED = teams(120);
const CHANGES: { change: SpillChange; file: string; before: number; after: number; outcome: string }[] = [
  { change: 'last policy edited', file: spillingFile(teams(121)), before: 2, after: 2, outcome: 'updated' },
  {
    change: 'statements shift',
    file: spillingFile(teams(121, [999])),
    before: 2,
    after: 2,
    outcome: 'updated',
  },
  {
    change: 'one policy more',
    file: spillingFile(teams(160, [999])),
    before: 2,
    after: 3,
    outcome: 'updated',
  },
  {
    change: 'one policy fewer',
    file: spillingFile(teams(121, [999])),
    before: 3,
    after: 2,
    outcome: 'updated',
  },
  {
    change: 'unchanged',
    file: `${spillingFile(teams(121, [999]))}\n`,
    before: 2,
    after: 2,
    outcome: 'unchanged',
  },
];

/** The headline latency when swept, else the highest swept. */
function changeLatencyMs(profile: BenchProfile): number {
  return profile.latenciesMs.includes(HEADLINE_LATENCY_MS)
    ? HEADLINE_LATENCY_MS
    : (profile.latenciesMs.at(-1) ?? 0);
}

export async function benchSpill(stack: LocalStackClient, profile: BenchProfile): Promise<SpillResult> {
  const size = profile.fanoutSizes[0] ?? 0;
  const scpAlt = await deployForBench(stack, {
    organizationalUnits: ['Spill'],
    securityAccount: { name: 'security', ou: 'Security' },
    accounts: [],
  });
  const ouId = scpAlt.deployment.organization.ous.Spill ?? '';
  const accountIds = fleetAccountIds(9, size);
  const seedMs = await seedSpillingFleet(stack, scpAlt, ouId, accountIds, profile.principalsPerAccount);
  const events = await benchEvents(stack, scpAlt, accountIds[0] ?? '', profile);
  const changes: SpillChangeResult[] = [];
  await applyTraffic(stack.control, trafficAt(profile, changeLatencyMs(profile)));
  for (const step of CHANGES) {
    const measured = await runChange(stack, scpAlt, ouId, step, size);
    changes.push({
      change: step.change,
      accounts: size,
      principalsPerAccount: profile.principalsPerAccount,
      latencyMs: changeLatencyMs(profile),
      additionalBefore: step.before,
      additionalAfter: step.after,
      ...measured,
    });
    await expectAttached(stack, accountIds[accountIds.length - 1] ?? '', step.after);
  }
  await stack.control.clearRules();
  await scpAlt.stop();
  return { events, changes, seedMs };
}

async function seedSpillingFleet(
  stack: LocalStackClient,
  scpAlt: LocalScpAlt,
  ouId: string,
  accountIds: string[],
  principalsPerAccount: number,
): Promise<number> {
  const config = loadConfig(scpAlt.deployment.environment);
  const clientConfig = await functionClientConfig(stack, scpAlt.deployment, 's3-event-dispatcher');
  const { ports } = buildPorts(config, { functionName: 's3-event-dispatcher', clientConfig });
  await uploadPolicy(scpAlt.deployment, policyKey(ouId), spillingFile(SEEDED));
  const started = performance.now();
  const fleet = { ouPath: [scpAlt.deployment.organization.rootId, ouId], accountIds, principalsPerAccount };
  await seedFleet(stack, flowContextFor(config, ports, SILENT), fleet, scpAlt.deployment.table);
  await takeS3Notifications(scpAlt.deployment);
  const seedMs = performance.now() - started;
  console.error(
    `seeded ${accountIds.length} spilling accounts × ${principalsPerAccount} in ${Math.round(seedMs)} ms`,
  );
  return seedMs;
}

/** Warm CreateRole events: each role created with our boundary, the event attaches the rest. */
async function benchEvents(
  stack: LocalStackClient,
  scpAlt: LocalScpAlt,
  accountId: string,
  profile: BenchProfile,
): Promise<SpillEvents> {
  const iam = actingIn(new IAMClient(motoDirectConfig(stack)), accountId);
  const boundary = iamPolicyArn(partitionOfRegion(stack.region), accountId, 'scp-enforce-policy');
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  });
  const roleNames = Array.from(
    { length: WARM_UP_EVENTS + profile.eventsPerCase },
    (_, i) => `bench-new-${i}`,
  );
  for (const RoleName of roleNames)
    await iam.send(
      new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: trust, PermissionsBoundary: boundary }),
    );
  const latencyMs = perEventLatencyMs(profile);
  await applyTraffic(stack.control, trafficAt(profile, latencyMs));
  const send = (roleName: string) =>
    scpAlt.handlers.iamEventDispatcher(
      createRoleEvent(scpAlt, accountId, roleName),
      lambdaContext(scpAlt.deployment, 'iam-event-dispatcher', 60_000),
    ) as Promise<IamEventOutcome>;
  for (const roleName of roleNames.slice(0, WARM_UP_EVENTS)) await send(roleName);
  const measured = [];
  for (const roleName of roleNames.slice(WARM_UP_EVENTS)) {
    const event = await measure(stack.control, () => send(roleName));
    const outcome = event.value;
    if (outcome.action !== 'principal' || outcome.additional?.attached.length !== 2)
      throw new Error(`CreateRole ${roleName}: ${JSON.stringify(outcome)}`);
    measured.push(event);
  }
  await stack.control.clearRules();
  const byCalls = [...measured].sort((a, b) => a.calls.total - b.calls.total);
  return {
    latencyMs,
    additionalPolicies: 2,
    events: measured.length,
    callsPerEvent: median(measured.map((m) => m.calls.total)),
    wallMsPerEvent: median(measured.map((m) => m.wallMs)),
    typicalEvent: byCalls[Math.floor(byCalls.length / 2)]?.calls ?? measured[0]?.calls ?? summaryOfNothing(),
  };
}

function summaryOfNothing(): CallSummary {
  return { total: 0, iamWrites: 0, iamReads: 0, throttled: 0, byOperation: {} };
}

/** Uploads the file and applies the change as deployed: queued, then the account workers (queued-change.ts). */
async function runChange(
  stack: LocalStackClient,
  scpAlt: LocalScpAlt,
  ouId: string,
  step: (typeof CHANGES)[number],
  size: number,
): Promise<{ wallMs: number; calls: CallSummary }> {
  await uploadPolicy(scpAlt.deployment, policyKey(ouId), step.file);
  const [notification] = await takeS3Notifications(scpAlt.deployment);
  console.error(`spilling chain, ${step.change}: scp-alt running on ${size} accounts…`);
  const change = await runQueuedChange(stack, scpAlt, notification);
  // Every account is written at least once (a new version of the policy that changed), or none is.
  const written = change.calls.byOperation['iam:CreatePolicyVersion'] ?? 0;
  const done = step.outcome === 'updated' ? written >= size : change.calls.iamWrites === 0;
  if (change.queued !== size || !done)
    throw new Error(
      `${step.change}: ${change.queued} of ${size} accounts queued, ${written} versions written, ${change.calls.iamWrites} IAM writes (expected ${step.outcome})`,
    );
  // A change that attaches to every principal runs into IAM's throttle: a message handed back is
  // applied on its next receive, which is the design, and costs the visibility timeout.
  if (change.handedBack > 0)
    console.error(`${step.change}: ${change.handedBack} worker batch(es) handed messages back (throttled)`);
  return { wallMs: change.wallMs, calls: change.calls };
}

/** The benchmark only counts if the work was done: a role of the account holds exactly `count`. */
async function expectAttached(stack: LocalStackClient, accountId: string, count: number): Promise<void> {
  const iam = actingIn(new IAMClient(motoDirectConfig(stack)), accountId);
  const { AttachedPolicies = [] } = await iam.send(
    new ListAttachedRolePoliciesCommand({ RoleName: 'workload-0' }),
  );
  const ours = AttachedPolicies.filter((policy) => policy.PolicyName?.startsWith('scp-enforce-policy-'));
  if (ours.length !== count)
    throw new Error(`workload-0 in ${accountId} holds ${ours.length} additional policies, not ${count}`);
}
