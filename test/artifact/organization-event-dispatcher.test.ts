/**
 * What ships follows the organization: the packaged organization-event-dispatcher, run from its
 * zip, given the CloudTrail MoveAccount event in its documented EventBridge shape (directly, and
 * as the SQS batch of the queue the packaged template subscribes it to); and the packaged
 * reconciler alone, on its schedule, following a move no event announced.
 */

import { MoveAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { beforeAll, describe, expect, it } from 'vitest';
import { forwardOrganizationsEvents, scheduledEvent } from '#dev/local-deployment/events.ts';
import {
  accountItem,
  boundaryActions as boundaryActionsOf,
  failureMessages,
} from '#dev/local-deployment/inspect.ts';
import { moveAccountEvent } from '#dev/local-deployment/organization-events.ts';
import { denyingPolicy as deny, policyKey, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { partitionOfRegion } from '#policy/partition.ts';
import { usePackagedScpAlt } from './support/packaged-scp-alt.ts';

const env = usePackagedScpAlt();
const org = () => env.stack.organization;
const ou = (path: string) => org().ous[path] ?? '';
const account = (name: string) => org().accounts[name] ?? '';

const boundaryActions = (accountId: string) => boundaryActionsOf(env.stack, env.deployment, accountId);

/** MoveAccount as the management account's administrator calls it, and the event CloudTrail records. */
async function move(accountId: string, from: string, to: string) {
  const organizations = new OrganizationsClient(env.stack.clientConfig('organizations'));
  await organizations.send(
    new MoveAccountCommand({ AccountId: accountId, SourceParentId: from, DestinationParentId: to }),
  );
  return moveAccountEvent(
    { managementAccountId: org().managementAccountId, partition: partitionOfRegion(env.stack.region) },
    { accountId, sourceParentId: from, destinationParentId: to },
  );
}

beforeAll(async () => {
  await uploadPolicy(env.deployment, policyKey(ou('Workloads')), deny('rds:DeleteDBInstance'));
  await uploadPolicy(env.deployment, policyKey(ou('Sandbox')), deny('ec2:TerminateInstances'));
  await env.enroll(account('app-dev'), ou('Workloads'));
  await env.enroll(account('app-prod'), ou('Workloads/Prod'));
  await failureMessages(env.deployment);
});

describe('organization-event-dispatcher from its zip', () => {
  it('MoveAccount delivered directly in its EventBridge shape: the boundary and record follow the new OU', async () => {
    const appDev = account('app-dev');
    const event = await move(appDev, ou('Workloads'), ou('Sandbox'));
    expect(event).toMatchObject({
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.organizations',
      detail: { eventSource: 'organizations.amazonaws.com', eventName: 'MoveAccount' },
    });

    const answer = await env.succeed('organization-event-dispatcher', event);

    expect(answer).toMatchObject({
      eventName: 'MoveAccount',
      accounts: [{ accountId: appDev, action: 'moved' }],
    });
    expect(await boundaryActions(appDev)).toContain('ec2:TerminateInstances');
    expect(await boundaryActions(appDev)).not.toContain('rds:DeleteDBInstance');
    expect(await accountItem(env.deployment, appDev)).toMatchObject({
      OuPath: [org().rootId, ou('Sandbox')],
    });
  });

  it('MoveAccount routed by the security bus to the queue: the SQS batch is answered with no failure', async () => {
    const appDev = account('app-dev');
    const event = await move(appDev, ou('Sandbox'), ou('Workloads'));
    const batch = await forwardOrganizationsEvents(env.deployment, [event]);
    expect(batch.Records, 'the security bus routed the event to its queue').toHaveLength(1);

    expect(await env.succeed('organization-event-dispatcher', batch)).toEqual({ batchItemFailures: [] });

    expect(await boundaryActions(appDev)).toContain('rds:DeleteDBInstance');
    expect(await accountItem(env.deployment, appDev)).toMatchObject({
      OuPath: [org().rootId, ou('Workloads')],
    });
  });
});

describe('reconciler from its zip follows a move no event announced', () => {
  it('recompiles the moved account for its new OU on its schedule and says so once', async () => {
    const appProd = account('app-prod');
    await move(appProd, ou('Workloads/Prod'), ou('Sandbox'));

    await env.succeed('reconciler', scheduledEvent(env.deployment, 'ReconcilerEventsRuleSchedule1'));

    expect(await boundaryActions(appProd)).toContain('ec2:TerminateInstances');
    expect(await boundaryActions(appProd)).not.toContain('rds:DeleteDBInstance');
    expect(await accountItem(env.deployment, appProd)).toMatchObject({
      OuPath: [org().rootId, ou('Sandbox')],
    });
    const messages = await failureMessages(env.deployment, { atLeast: 1 });
    expect(messages.filter((text) => text.includes(`${appProd}: moved`))).toHaveLength(1);
  });
});
