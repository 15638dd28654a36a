/**
 * Section 1: what one warm CreateRole event costs, ours (the real iam-event-dispatcher built by its
 * factory and shared/wiring.ts) against the original's per-event sequence (bench/baseline/).
 */

import { randomUUID } from 'node:crypto';
import { CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { memberAccountConfig } from '#dev/local-aws/accounts.ts';
import type { LocalStackClient } from '#dev/local-aws/stack.ts';
import { cloudTrailDetail } from '#dev/local-deployment/events.ts';
import { lambdaContext } from '#dev/local-deployment/handlers.ts';
import { samplePolicy } from '#dev/local-deployment/policy-files.ts';
import type { LocalScpAlt } from '#dev/local-deployment/scp-alt.ts';
import { iamPolicyArn } from '#policy/arn.ts';
import { partitionOfRegion } from '#policy/partition.ts';
import { makeBaselineIamEventHandler } from './baseline/iam-event-dispatcher.ts';
import { baselineConfigFor, deployForBench } from './deployment.ts';
import { type BenchProfile, trafficAt } from './profile.ts';
import { applyTraffic, type CallSummary, measure, median } from './traffic.ts';

export type PrincipalCase = 'without-boundary' | 'with-boundary';

export interface PerEventResult {
  implementation: 'scp-alt' | 'baseline';
  principalCase: PrincipalCase;
  events: number;
  /** Median over the measured events. */
  callsPerEvent: number;
  wallMsPerEvent: number;
  /** Calls of one typical (median-cost) event by operation. */
  typicalEvent: CallSummary;
}

/** Per-event calls are sequential on both sides, so one latency suffices: the lowest of the sweep. */
export function perEventLatencyMs(profile: BenchProfile): number {
  return profile.latenciesMs[0] ?? 0;
}

// Warm-up events per case: the baseline reaches its steady state (five policy versions) after four.
const WARM_UP_EVENTS = 4;

type SendCreateRole = (accountId: string, roleName: string) => Promise<void>;

export async function benchPerEvent(
  stack: LocalStackClient,
  profile: BenchProfile,
): Promise<PerEventResult[]> {
  const scpAlt = await deployForBench(stack);
  const { accounts, ous } = scpAlt.deployment.organization;
  const ours = accounts['app-dev'] ?? '';
  const theirs = accounts['app-prod'] ?? '';
  const beijingOnly = await samplePolicy('010-region-beijing-only');
  for (const ou of [ous.Workloads, ous['Workloads/Prod']]) {
    await scpAlt.uploadPolicy(`permission-boundary-policy/${ou}.json`, beijingOnly);
  }
  await scpAlt.enroll(ours, ous.Workloads ?? '');
  await scpAlt.enroll(theirs, ous['Workloads/Prod'] ?? '');
  const perCase = WARM_UP_EVENTS + profile.eventsPerCase;
  const oursRoles = await createRoles(stack, ours, perCase);
  const theirRoles = await createRoles(stack, theirs, perCase);
  const baseline = makeBaselineIamEventHandler(await baselineConfigFor(stack, scpAlt));
  await applyTraffic(stack.control, trafficAt(profile, perEventLatencyMs(profile)));
  const sendOurs: SendCreateRole = async (accountId, roleName) => {
    await scpAlt.handlers.iamEventDispatcher(
      createRoleEvent(scpAlt, accountId, roleName),
      lambdaContext(scpAlt.deployment, 'iam-event-dispatcher', 60_000),
    );
  };
  const sendTheirs: SendCreateRole = (accountId, roleName) =>
    baseline({ accountId, eventName: 'CreateRole', principalName: roleName });
  const results: PerEventResult[] = [];
  for (const principalCase of ['without-boundary', 'with-boundary'] as const) {
    results.push(await runCase(stack, 'scp-alt', principalCase, sendOurs, ours, oursRoles[principalCase]));
    results.push(
      await runCase(stack, 'baseline', principalCase, sendTheirs, theirs, theirRoles[principalCase]),
    );
  }
  await stack.control.clearRules();
  await scpAlt.stop();
  return results;
}

async function runCase(
  stack: LocalStackClient,
  implementation: PerEventResult['implementation'],
  principalCase: PrincipalCase,
  send: SendCreateRole,
  accountId: string,
  roleNames: string[],
): Promise<PerEventResult> {
  const warmUp = roleNames.slice(0, WARM_UP_EVENTS);
  for (const roleName of warmUp) await send(accountId, roleName);
  const measured = [];
  for (const roleName of roleNames.slice(WARM_UP_EVENTS)) {
    measured.push(await measure(stack.control, () => send(accountId, roleName)));
  }
  await expectBound(stack, accountId, roleNames);
  const byCalls = [...measured].sort((a, b) => a.calls.total - b.calls.total);
  const typical = byCalls[Math.floor(byCalls.length / 2)];
  if (!typical) throw new Error('no event measured');
  return {
    implementation,
    principalCase,
    events: measured.length,
    callsPerEvent: median(measured.map((m) => m.calls.total)),
    wallMsPerEvent: median(measured.map((m) => m.wallMs)),
    typicalEvent: typical.calls,
  };
}

/** The benchmark only counts if the work was done: every role ends up with the boundary. */
async function expectBound(stack: LocalStackClient, accountId: string, roleNames: string[]): Promise<void> {
  const iam = new IAMClient(await memberAccountConfig(stack, accountId, 'iam'));
  for (const roleName of roleNames) {
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    if (!Role?.PermissionsBoundary?.PermissionsBoundaryArn?.endsWith(':policy/scp-enforce-policy'))
      throw new Error(`role ${roleName} in ${accountId} has no scp-enforce-policy boundary`);
  }
}

async function createRoles(
  stack: LocalStackClient,
  accountId: string,
  count: number,
): Promise<Record<PrincipalCase, string[]>> {
  const iam = new IAMClient(await memberAccountConfig(stack, accountId, 'iam'));
  const boundary = iamPolicyArn(partitionOfRegion(stack.region), accountId, 'scp-enforce-policy');
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  });
  const names: Record<PrincipalCase, string[]> = { 'without-boundary': [], 'with-boundary': [] };
  for (let index = 0; index < count; index++) {
    for (const principalCase of ['without-boundary', 'with-boundary'] as const) {
      const roleName = `bench-${principalCase}-${index}`;
      await iam.send(
        new CreateRoleCommand({
          RoleName: roleName,
          AssumeRolePolicyDocument: trust,
          ...(principalCase === 'with-boundary' ? { PermissionsBoundary: boundary } : {}),
        }),
      );
      names[principalCase].push(roleName);
    }
  }
  return names;
}

/** The EventBridge event the security bus delivers for a CreateRole in a member account. */
export function createRoleEvent(scpAlt: LocalScpAlt, accountId: string, roleName: string) {
  const detail = cloudTrailDetail(scpAlt.deployment, {
    accountId,
    eventName: 'CreateRole',
    principal: { kind: 'role', name: roleName },
  });
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.iam',
    account: accountId,
    time: detail.eventTime,
    region: detail.awsRegion,
    resources: [],
    detail,
  };
}
