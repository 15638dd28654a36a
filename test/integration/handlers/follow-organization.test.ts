/**
 * scp-alt follows the organization through its real handlers: an enrolled account moved
 * between OUs gets its new OU's boundary within the MoveAccount event, or from the scheduled
 * reconciler alone; an account removed or closed is closed out with one notice and never retried;
 * a mistyped account id is refused without a record.
 */

import {
  CreateOrganizationalUnitCommand,
  DeleteOrganizationalUnitCommand,
  UpdateOrganizationalUnitCommand,
} from '@aws-sdk/client-organizations';
import { beforeAll, describe, expect, it } from 'vitest';
import { scheduledEvent } from '#dev/local-deployment/events.ts';
import { lambdaContext } from '#dev/local-deployment/handlers.ts';
import {
  accountItem,
  boundaryActions as boundaryActionsOf,
  boundaryPolicyArn,
  carrying,
  defaultVersion,
  failureMessages,
  memberIam,
  principalBoundaries,
} from '#dev/local-deployment/inspect.ts';
import { denyingPolicy as deny, policyKey, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { scpAlt as cli, operatorEnvironment } from '../cli/operator.ts';
import { useScpAlt } from '../support/for-tests.ts';
import { ManagementConsole } from '../support/organization.ts';

const env = useScpAlt();

let management: ManagementConsole;
let operator: Record<string, string>;
const org = () => env.stack.organization;
const ou = (path: string) => org().ous[path] ?? '';
const account = (name: string) => org().accounts[name] ?? '';

const boundaryActions = (accountId: string) => boundaryActionsOf(env.stack, env.scpAlt.deployment, accountId);

async function runReconciler() {
  const { deployment, handlers } = env.scpAlt;
  return handlers.reconciler(
    scheduledEvent(deployment, 'ReconcilerEventsRuleSchedule1'),
    lambdaContext(deployment, 'reconciler', 900_000),
  );
}

beforeAll(async () => {
  management = new ManagementConsole(env.scpAlt);
  const { deployment } = env.scpAlt;
  operator = await operatorEnvironment(env.stack, deployment);
  await uploadPolicy(deployment, policyKey(org().rootId), deny('organizations:LeaveOrganization'));
  await uploadPolicy(deployment, policyKey(ou('Workloads')), deny('rds:DeleteDBInstance'));
  await uploadPolicy(deployment, policyKey(ou('Sandbox')), deny('ec2:TerminateInstances'));
  for (const [name, path] of [
    ['app-dev', 'Workloads'],
    ['app-prod', 'Workloads/Prod'],
    ['sandbox', 'Sandbox'],
  ] as const) {
    const answer = await env.scpAlt.enroll(account(name), ou(path));
    expect(answer.response?.Status, name).toBe('SUCCESS');
  }
  await failureMessages(deployment);
});

describe('an enrolled account moves between OUs', () => {
  it('Given app-dev moved from Workloads to Sandbox, When the MoveAccount event arrives, Then its boundary and record follow within that event, with no notice', async () => {
    const { deployment } = env.scpAlt;
    const appDev = account('app-dev');
    expect(await boundaryActions(appDev)).toContain('rds:DeleteDBInstance');

    const event = await management.move(appDev, ou('Workloads'), ou('Sandbox'));
    const answer = await env.scpAlt.dispatchOrganizationsEvents([event]);

    expect(answer.batchItemFailures).toEqual([]);
    const actions = await boundaryActions(appDev);
    expect(actions).toContain('ec2:TerminateInstances');
    expect(actions).not.toContain('rds:DeleteDBInstance');
    expect(await accountItem(deployment, appDev)).toMatchObject({
      Status: 'ACTIVE',
      OuId: ou('Sandbox'),
      OuPath: [org().rootId, ou('Sandbox')],
      ScpPolicyPathList: [policyKey(org().rootId), policyKey(ou('Sandbox'))],
    });
    // The principals keep the same boundary policy: its new default version is what changed.
    const principals = await principalBoundaries(await memberIam(env.stack, appDev));
    expect(carrying(principals, boundaryPolicyArn(deployment, appDev))).toContain('user/alice');
    expect(await failureMessages(deployment)).toEqual([]);

    // The same event again (EventBridge delivers at least once): nothing more is written.
    const iam = await memberIam(env.stack, appDev);
    const version = (await defaultVersion(iam, boundaryPolicyArn(deployment, appDev)))?.versionId;
    await env.scpAlt.dispatchOrganizationsEvents([event]);
    expect((await defaultVersion(iam, boundaryPolicyArn(deployment, appDev)))?.versionId).toBe(version);
  });

  it('Given app-prod moved to Sandbox and no event delivered, When only the scheduled reconciler runs, Then the boundary follows and one notice names the move', async () => {
    const { deployment } = env.scpAlt;
    const appProd = account('app-prod');
    await management.move(appProd, ou('Workloads/Prod'), ou('Sandbox'));
    const callsBefore = await env.stack.control.countCalls({ service: 'organizations' });

    const report = await runReconciler();

    // One tree walk whatever the number of accounts: ListRoots, then per parent (the root and the
    // four OUs) one ListOrganizationalUnitsForParent and one ListAccountsForParent.
    expect((await env.stack.control.countCalls({ service: 'organizations' })) - callsBefore).toBe(1 + 2 * 5);

    expect(report.drifted).toEqual([
      expect.objectContaining({
        accountId: appProd,
        moved: {
          from: [org().rootId, ou('Workloads'), ou('Workloads/Prod')],
          to: [org().rootId, ou('Sandbox')],
        },
      }),
    ]);
    const actions = await boundaryActions(appProd);
    expect(actions).toContain('ec2:TerminateInstances');
    expect(actions).not.toContain('rds:DeleteDBInstance');
    expect(await accountItem(deployment, appProd)).toMatchObject({ OuPath: [org().rootId, ou('Sandbox')] });
    const messages = await failureMessages(deployment, { atLeast: 1 });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('DRIFT_REPAIRED');
    expect(messages[0]).toContain(`${appProd}: moved`);

    expect((await runReconciler()).drifted).toEqual([]);
  });
});

describe('accounts that leave the organization', () => {
  it('Given an enrolled account removed from the organization, Then its record is closed out as UNREACHABLE with one notice, later events and runs stay silent, and deregister --force removes the record naming what is left', async () => {
    const { deployment } = env.scpAlt;
    const sandbox = account('sandbox');
    const event = await management.remove(sandbox);

    expect((await env.scpAlt.dispatchOrganizationsEvents([event, event])).batchItemFailures).toEqual([]);

    expect(await accountItem(deployment, sandbox)).toMatchObject({ Status: 'UNREACHABLE' });
    const messages = await failureMessages(deployment, { atLeast: 1 });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('ACCOUNT_UNREACHABLE');
    expect(messages[0]).toContain('may still be in the account');
    const report = await runReconciler();
    expect(report.unreachable).toContain(sandbox);
    expect(report.drifted).toEqual([]);
    expect(await failureMessages(deployment)).toEqual([]);

    const status = await cli(operator, 'status', '--account', sandbox);
    expect(status.code).toBe(1);
    expect(status.out).toContain('UNREACHABLE');
    const plain = await cli(operator, 'deregister', '--account', sandbox);
    expect(plain.code).toBe(1);
    expect(plain.err).toContain('is UNREACHABLE');
    expect(await accountItem(deployment, sandbox)).toMatchObject({ Status: 'UNREACHABLE' });
    const forced = await cli(operator, 'deregister', '--account', sandbox, '--force');
    expect(forced.code).toBe(0);
    expect(forced.out).toContain(
      `deregistered ${sandbox}: record removed; the account could not be cleaned up`,
    );
    expect(forced.out).toContain(`may still be in the account: ${boundaryPolicyArn(deployment, sandbox)}`);
    expect(await accountItem(deployment, sandbox)).toBeUndefined();
  });

  it('Given an enrolled account closed, Then its record is closed out once and its boundary is left as it was', async () => {
    const { deployment } = env.scpAlt;
    const appDev = account('app-dev');
    const event = await management.close(appDev);
    await failureMessages(deployment);

    expect((await env.scpAlt.dispatchOrganizationsEvents([event])).batchItemFailures).toEqual([]);

    expect(await accountItem(deployment, appDev)).toMatchObject({ Status: 'UNREACHABLE' });
    expect(String((await accountItem(deployment, appDev))?.LastError)).toContain('closed in Organizations');
    const messages = await failureMessages(deployment, { atLeast: 1 });
    expect(messages.filter((message) => message.includes('ACCOUNT_UNREACHABLE'))).toHaveLength(1);
    expect((await runReconciler()).unreachable).toContain(appDev);
    expect(await failureMessages(deployment)).toEqual([]);
  });
});

describe('enrollment refuses what is not in the organization', () => {
  it('Given a mistyped account id, When the product is launched for it, Then CloudFormation gets FAILED naming the id, and no record is written', async () => {
    const { deployment } = env.scpAlt;
    const mistyped = '999988887777';
    const answer = await env.scpAlt.enroll(mistyped, ou('Sandbox'));
    expect(answer.response?.Status).toBe('FAILED');
    expect(answer.response?.Reason).toContain(`ACCOUNT_NOT_IN_ORGANIZATION`);
    expect(answer.response?.Reason).toContain(`account ${mistyped} is not in the organization`);
    expect(await accountItem(deployment, mistyped)).toBeUndefined();
    const run = await cli(operator, 'enroll', '--account', mistyped, '--ou', ou('Sandbox'));
    expect(run.code).toBe(1);
    expect(run.err).toContain('ACCOUNT_NOT_IN_ORGANIZATION');
    expect(run.err).toContain(`account ${mistyped} is not in the organization`);
    expect(await accountItem(deployment, mistyped)).toBeUndefined();
  });

  it('Given an OU that does not hold the account, Then the launch fails naming the OU and where the account is', async () => {
    const answer = await env.scpAlt.enroll(account('app-prod'), ou('Workloads/Prod'));
    expect(answer.response?.Status).toBe('FAILED');
    expect(answer.response?.Reason).toContain(`OU ${ou('Workloads/Prod')} does not contain account`);
  });
});

describe('changes to the OUs', () => {
  it('Given OUs created, renamed and deleted since the last reconcile, Then status and plan list them with the policy file left without a target, and the next reconcile notifies them once', async () => {
    const { deployment } = env.scpAlt;
    const prod = ou('Workloads/Prod');
    await uploadPolicy(deployment, policyKey(prod), deny('s3:DeleteBucket'));
    const { OrganizationalUnit } = await management.organizations.send(
      new CreateOrganizationalUnitCommand({ ParentId: org().rootId, Name: 'Quarantine' }),
    );
    await management.organizations.send(
      new UpdateOrganizationalUnitCommand({ OrganizationalUnitId: ou('Sandbox'), Name: 'Playground' }),
    );
    await management.organizations.send(new DeleteOrganizationalUnitCommand({ OrganizationalUnitId: prod }));
    const expected = [
      `OU created: Quarantine (${OrganizationalUnit?.Id}) under ${org().rootId}`,
      `OU renamed: ${ou('Sandbox')} Sandbox → Playground`,
      `OU deleted: Prod (${prod})`,
      `policy file without target: ${policyKey(prod)}`,
    ];

    const status = await cli(operator, 'status');
    expect(status.out).toContain(`organization: ${expected.length} change(s) since the last reconcile`);
    for (const line of expected) expect(status.out).toContain(`  ${line}\n`);
    const plan = await cli(operator, 'plan', '--json');
    expect(plan.json()).toMatchObject({ organization: { changes: expected, error: null } });

    await failureMessages(deployment);
    await runReconciler();
    const messages = await failureMessages(deployment, { atLeast: 1 });
    const changed = messages.filter((message) => message.includes('ORGANIZATION_CHANGED'));
    expect(changed).toHaveLength(1);
    for (const line of expected) expect(changed[0]).toContain(line);
    await runReconciler();
    expect((await failureMessages(deployment)).filter((m) => m.includes('ORGANIZATION_CHANGED'))).toEqual([]);
  });
});
