/**
 * The fault matrix for the organization-event path: duplicate and late Organizations events, a
 * move while a policy change fans out, Organizations throttling the dispatcher. In every cell the
 * boundary ends as the account's current OU compiles, never weaker on the way, the record holds
 * the current path, and a reconcile afterwards finds nothing to repair.
 */

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { scheduledEvent, takeS3Notifications } from '#dev/local-deployment/events.ts';
import { lambdaContext } from '#dev/local-deployment/handlers.ts';
import {
  accountItem,
  boundaryActions as boundaryActionsOf,
  boundaryPolicyArn,
  defaultVersion,
  failureMessages,
  memberIam,
} from '#dev/local-deployment/inspect.ts';
import { denyingPolicy as deny, policyKey, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { useScpAlt } from '../support/for-tests.ts';
import { ManagementConsole } from '../support/organization.ts';
import { waitForCalls } from './policy-versions.ts';

const env = useScpAlt();
const org = () => env.stack.organization;
const ou = (path: string) => org().ous[path] ?? '';
const account = (name: string) => org().accounts[name] ?? '';
let management: ManagementConsole;
const rows: string[] = [];

const boundaryActions = (accountId: string) => boundaryActionsOf(env.stack, env.scpAlt.deployment, accountId);

async function expectConverged(): Promise<void> {
  const { deployment, handlers } = env.scpAlt;
  const report = await handlers.reconciler(
    scheduledEvent(deployment, 'ReconcilerEventsRuleSchedule1'),
    lambdaContext(deployment, 'reconciler', 900_000),
  );
  expect(report.drifted).toEqual([]);
}

beforeAll(async () => {
  management = new ManagementConsole(env.scpAlt);
  const { deployment } = env.scpAlt;
  await uploadPolicy(deployment, policyKey(org().rootId), deny('organizations:LeaveOrganization'));
  await uploadPolicy(deployment, policyKey(ou('Workloads')), deny('rds:DeleteDBInstance'));
  await uploadPolicy(deployment, policyKey(ou('Sandbox')), deny('ec2:TerminateInstances'));
  for (const [name, path] of [
    ['app-dev', 'Workloads'],
    ['app-prod', 'Workloads/Prod'],
    ['sandbox', 'Sandbox'],
  ] as const)
    expect((await env.scpAlt.enroll(account(name), ou(path))).response?.Status).toBe('SUCCESS');
  await takeS3Notifications(deployment, 0);
  await failureMessages(deployment);
  // The reconciler keeps its first view of the organization; later runs compare with it.
  await expectConverged();
});

afterEach(async () => {
  await env.stack.control.clearRules();
});

describe('organization fault matrix', () => {
  it('duplicate events: one move delivered three times in one batch and once more later writes one version', async () => {
    const { deployment } = env.scpAlt;
    const appDev = account('app-dev');
    const iam = await memberIam(env.stack, appDev);
    const before = (await defaultVersion(iam, boundaryPolicyArn(deployment, appDev)))?.versionId;
    const event = await management.move(appDev, ou('Workloads'), ou('Sandbox'));

    await env.scpAlt.dispatchOrganizationsEvents([event, event, event]);
    await env.scpAlt.dispatchOrganizationsEvents([event]);

    const after = (await defaultVersion(iam, boundaryPolicyArn(deployment, appDev)))?.versionId;
    expect(Number(after?.slice(1))).toBe(Number(before?.slice(1)) + 1);
    expect(await boundaryActions(appDev)).toContain('ec2:TerminateInstances');
    expect(await failureMessages(deployment)).toEqual([]);
    await expectConverged();
    rows.push('duplicate MoveAccount ×4 | one new version | no notice | converged');
  });

  it('late events: the event of an earlier move, delivered after the later one, leaves the later OU in force', async () => {
    const { deployment } = env.scpAlt;
    const appDev = account('app-dev');
    const first = await management.move(appDev, ou('Sandbox'), ou('Workloads'));
    const second = await management.move(appDev, ou('Workloads'), ou('Workloads/Prod'));

    await env.scpAlt.dispatchOrganizationsEvents([second]);
    await env.scpAlt.dispatchOrganizationsEvents([first]);

    const actions = await boundaryActions(appDev);
    expect(actions).toContain('rds:DeleteDBInstance');
    expect(actions).not.toContain('ec2:TerminateInstances');
    expect(await accountItem(deployment, appDev)).toMatchObject({
      OuPath: [org().rootId, ou('Workloads'), ou('Workloads/Prod')],
    });
    expect(await failureMessages(deployment)).toEqual([]);
    await expectConverged();
    rows.push('late MoveAccount after a newer move | the newer OU stays | no notice | converged');
  });

  it('a move during a policy fan-out: the account ends with its new OU and the new root file, whatever the order of the writes', async () => {
    const { deployment } = env.scpAlt;
    const sandbox = account('sandbox');
    // Hold the fan-out's write of sandbox's boundary, so the move lands in the middle of it.
    await env.stack.control.addLatency({
      service: 'iam',
      operation: 'CreatePolicyVersion',
      account: sandbox,
      ms: 1_500,
    });
    await uploadPolicy(
      deployment,
      policyKey(org().rootId),
      deny('organizations:LeaveOrganization', 'kms:ScheduleKeyDeletion'),
    );
    const notifications = await takeS3Notifications(deployment);
    const held = waitForCalls(
      env.stack,
      { service: 'iam', operation: 'CreatePolicyVersion', account: sandbox },
      1,
      {
        arrived: true,
      },
    );
    const fanOut = env.scpAlt.dispatchS3(notifications);
    await held;
    const moved = management
      .move(sandbox, ou('Sandbox'), ou('Workloads'))
      .then((event) => env.scpAlt.dispatchOrganizationsEvents([event]));

    const [results, answer] = await Promise.all([fanOut, moved]);

    expect(results[0]?.accounts.find((result) => result.accountId === sandbox)?.outcome).not.toBe('failed');
    expect(answer.batchItemFailures).toEqual([]);
    const actions = await boundaryActions(sandbox);
    expect(actions).toEqual(expect.arrayContaining(['kms:ScheduleKeyDeletion', 'rds:DeleteDBInstance']));
    expect(actions).not.toContain('ec2:TerminateInstances');
    expect(await accountItem(deployment, sandbox)).toMatchObject({
      Status: 'ACTIVE',
      OuPath: [org().rootId, ou('Workloads')],
    });
    await env.stack.control.clearRules();
    await expectConverged();
    rows.push('MoveAccount while a root file fans out | new OU + new root file | none | converged');
  });

  it('Organizations throttled: the event comes back to the queue, nothing is weakened, and the next delivery applies it', async () => {
    const { deployment } = env.scpAlt;
    const appProd = account('app-prod');
    const beforeActions = await boundaryActions(appProd);
    const event = await management.move(appProd, ou('Workloads/Prod'), ou('Sandbox'));
    await env.stack.control.injectFault({
      service: 'organizations',
      code: 'TooManyRequestsException',
      count: 1000,
    });

    const refused = await env.scpAlt.dispatchOrganizationsEvents([event]);

    expect(refused.batchItemFailures).toHaveLength(1);
    expect(await boundaryActions(appProd)).toEqual(beforeActions);
    expect(await failureMessages(deployment)).toEqual([]);
    await env.stack.control.clearRules();
    expect((await env.scpAlt.dispatchOrganizationsEvents([event])).batchItemFailures).toEqual([]);
    expect(await boundaryActions(appProd)).toContain('ec2:TerminateInstances');
    await expectConverged();
    rows.push(
      'Organizations throttled | event back to the queue, boundary kept | none (transient) | next delivery applies it',
    );
  });
});

describe('organization fault matrix rows', () => {
  it('prints the rows', () => {
    console.log(['cell | outcome | notice | convergence', ...rows].join('\n'));
    expect(rows).toHaveLength(4);
  });
});
