/**
 * State and steps shared by the cells of the fault matrix: the enrolled accounts, the denies each
 * policy file holds (cells only ever add one, so "not weakened" is well defined), the rows printed
 * at the end, and the steps every cell repeats (cold start, tighten a file, replay, converge).
 */
import { expect } from 'vitest';
import type { FaultSpec } from '#dev/local-aws/types.ts';
import { takeS3Notifications } from '#dev/local-deployment/events.ts';
import { lambdaContext } from '#dev/local-deployment/handlers.ts';
import { accountItem, failureMessages } from '#dev/local-deployment/inspect.ts';
import { uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import type { ScpAltForTests } from '../support/for-tests.ts';
import { type BoundaryState, captureBoundaries, deniedActions, expectNotWeakened } from './boundary-state.ts';
import {
  type ContainerOptions,
  coldContainers,
  denyFile,
  dispatchS3,
  type FaultContainers,
  type MatrixRow,
  messagesNaming,
  messagesNowNaming,
  sandboxKey,
  workloadsKey,
} from './fault-lab.ts';

/** Denies only the cells add (none of them appears in our protective statements). */
const MARKERS = [
  'ec2:DeleteVpc',
  'ec2:DeleteSubnet',
  'ec2:TerminateInstances',
  'rds:DeleteDBInstance',
  'dynamodb:DeleteTable',
  'lambda:DeleteFunction',
  'sns:DeleteTopic',
  'sqs:DeleteQueue',
  'kms:ScheduleKeyDeletion',
  'redshift:DeleteCluster',
  'ecr:DeleteRepository',
  'eks:DeleteCluster',
  'logs:DeleteLogGroup',
  'route53:DeleteHostedZone',
  'elasticloadbalancing:DeleteLoadBalancer',
  'ec2:DeleteVolume',
  'ec2:DeleteSnapshot',
  'rds:DeleteDBCluster',
  'elasticache:DeleteCacheCluster',
  'glue:DeleteDatabase',
];

export type DispatchResults = Awaited<ReturnType<typeof dispatchS3>>;

export class MatrixRun {
  readonly rows: MatrixRow[] = [];
  /** Denies of the Workloads file and of sandbox's own file. */
  readonly workloadsDenies = ['organizations:LeaveOrganization'];
  readonly sandboxDenies = ['organizations:LeaveOrganization'];
  private markerIndex = 0;

  constructor(private readonly env: ScpAltForTests) {}

  get stack() {
    return this.env.stack;
  }
  get deployment() {
    return this.env.scpAlt.deployment;
  }
  account(name: 'app-dev' | 'app-prod' | 'sandbox'): string {
    return this.env.stack.organization.accounts[name] ?? '';
  }
  get enrolled(): string[] {
    return [this.account('app-dev'), this.account('app-prod'), this.account('sandbox')];
  }

  /** Uploads both files and enrolls app-dev, app-prod (Workloads) and sandbox through the custom resource. */
  async enrollAll(): Promise<void> {
    const { scpAlt, stack } = this.env;
    await uploadPolicy(this.deployment, workloadsKey(this.deployment), denyFile(this.workloadsDenies));
    await uploadPolicy(this.deployment, sandboxKey(this.deployment), denyFile(this.sandboxDenies));
    for (const [name, ou] of [
      ['app-dev', 'Workloads'],
      ['app-prod', 'Workloads/Prod'],
      ['sandbox', 'Sandbox'],
    ] as const) {
      const answer = await scpAlt.enroll(this.account(name), stack.organization.ous[ou] ?? '');
      if (answer.response?.Status !== 'SUCCESS')
        throw new Error(`enroll ${name}: ${answer.response?.Reason}`);
    }
    await takeS3Notifications(this.deployment, 0);
  }

  nextAction(): string {
    return MARKERS[this.markerIndex++ % MARKERS.length] ?? 'ec2:DeleteVpc';
  }

  capture(): Promise<BoundaryState> {
    return captureBoundaries(this.stack, this.deployment, this.enrolled);
  }

  inject(spec: FaultSpec): Promise<void> {
    return this.stack.control.injectFault(spec);
  }

  /** A cold container and a clean inbox: what a cell starts from. */
  async startCell(
    options: ContainerOptions = {},
  ): Promise<{ containers: FaultContainers; before: BoundaryState }> {
    await failureMessages(this.deployment);
    const containers = await coldContainers(this.stack, this.deployment, options);
    return { containers, before: await this.capture() };
  }

  /** Uploads the Workloads file with one more deny; returns the notifications S3 emitted. */
  async tightenWorkloads(action: string = this.nextAction()) {
    this.workloadsDenies.push(action);
    await uploadPolicy(this.deployment, workloadsKey(this.deployment), denyFile(this.workloadsDenies));
    return takeS3Notifications(this.deployment);
  }

  /** The reconciler invoked with a replay event; no account may fail again. */
  async replay(containers: FaultContainers): Promise<string> {
    const response = await containers.reconciler(
      { replay: {} },
      lambdaContext(this.deployment, 'reconciler'),
    );
    const replayed = response.replayed ?? [];
    expect(replayed.filter((result) => result.outcome !== 'updated')).toEqual([]);
    return `replay re-drove ${replayed.length}`;
  }

  /** A reconcile finds nothing to repair, every record is ACTIVE, every file's denies are deployed. */
  async expectConverged(containers: FaultContainers, how: string): Promise<string> {
    const report = await containers.reconciler({}, lambdaContext(this.deployment, 'reconciler'));
    expect(report.drifted).toEqual([]);
    const state = await this.capture();
    for (const accountId of this.enrolled) {
      expect((await accountItem(this.deployment, accountId))?.Status, accountId).toBe('ACTIVE');
      const wanted = accountId === this.account('sandbox') ? this.sandboxDenies : this.workloadsDenies;
      expect(deniedActions(state[accountId])).toEqual(expect.arrayContaining(wanted));
    }
    return `${how}; reconcile: no drift`;
  }

  /** A fault on app-dev absorbed by retries as a burst of 3, exhausting them when persistent. */
  async transientThenPersistent(name: string, fault: Omit<FaultSpec, 'count'>, cause: string): Promise<void> {
    const appDev = this.account('app-dev');
    const { containers, before } = await this.startCell();
    const key = workloadsKey(this.deployment);
    await this.inject({ ...fault, count: 3 });
    const absorbed = await dispatchS3(containers, this.deployment, await this.tightenWorkloads());
    expect(outcomeOf(absorbed, appDev)?.outcome).toBe('updated');
    await this.stack.control.clearRules();
    expect(await messagesNowNaming(this.deployment, appDev)).toEqual([]);

    await this.inject({ ...fault, count: 1000 });
    const failed = await dispatchS3(containers, this.deployment, await this.tightenWorkloads());
    await this.stack.control.clearRules();
    expect(outcomeOf(failed, appDev)).toMatchObject({ outcome: 'failed' });
    expect(outcomeOf(failed, this.account('app-prod'))?.outcome).toBe('updated');
    expectNotWeakened(before, await this.capture());
    expect(await messagesNaming(this.deployment, appDev, key, cause)).toHaveLength(1);
    const convergence = await this.expectConverged(containers, await this.replay(containers));
    this.rows.push({
      cell: name,
      fault: `${fault.code} on ${fault.service}:${fault.operation ?? '*'}`,
      outcome: 'burst of 3 absorbed by retries; persistent → app-dev FAILED, app-prod updated',
      notice: `none, then 1 naming app-dev, file, ${cause}`,
      convergence,
    });
  }
}

/** The last outcome recorded for the account across the dispatched notifications. */
export function outcomeOf(results: DispatchResults, accountId: string) {
  return results
    .flatMap((result) => result.accounts)
    .filter((account) => account.accountId === accountId)
    .at(-1);
}
