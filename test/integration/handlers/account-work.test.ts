/**
 * A policy change reaching hundreds of accounts is queued, one message per account, and applied by
 * several account workers at once, as the deployed event source mapping runs them. Checked through
 * the real APIs: the boundaries in IAM, the records in the table, the queues, the operators' inbox.
 */
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetAccountIds, seedFleet } from '#bench/fanout/seed-fleet.ts';
import { functionClientConfig } from '#dev/local-deployment/deployment.ts';
import { takeS3Notifications } from '#dev/local-deployment/events.ts';
import { lambdaContext } from '#dev/local-deployment/handlers.ts';
import {
  accountItem,
  actionsIn,
  boundaryPolicyArn,
  defaultVersion,
  failureMessages,
  memberIam,
} from '#dev/local-deployment/inspect.ts';
import { policyKey, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { type AccountWorkers, startAccountWorkers } from '#dev/local-env/account-workers.ts';
import { loadConfig } from '#shared/config.ts';
import { buildPorts, flowContextFor } from '#shared/wiring.ts';
import { useScpAlt } from '../support/for-tests.ts';

const env = useScpAlt();
const FLEET = fleetAccountIds(7, 240);
const WORKERS = 6;
const SILENT = { debug() {}, info() {}, warn() {}, error() {} };
let workers: AccountWorkers;

const fleetOu = () => env.stack.organization.ous.Sandbox ?? '';
const denying = (...actions: string[]) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: '*', Resource: '*' },
      ...actions.map((action) => ({ Effect: 'Deny', Action: action, Resource: '*' })),
    ],
  });

async function deniedIn(accountId: string): Promise<string[]> {
  const iam = await memberIam(env.stack, accountId);
  return actionsIn(
    (await defaultVersion(iam, boundaryPolicyArn(env.scpAlt.deployment, accountId)))?.document,
  );
}

/** Uploads the fleet's file and runs s3-event-dispatcher on what S3 notified, as S3 invokes it. */
async function changeFleetFile(body: string) {
  await uploadPolicy(env.scpAlt.deployment, policyKey(fleetOu()), body);
  return env.scpAlt.dispatchS3(await takeS3Notifications(env.scpAlt.deployment));
}

async function createPolicyVersionsIn(accounts: readonly string[]): Promise<number> {
  const counts = await env.stack.control.calls({ service: 'iam', operation: 'CreatePolicyVersion' });
  // Throttled calls are counted as calls by the proxy; only the ones IAM answered wrote anything.
  return counts
    .filter((count) => accounts.includes(count.account))
    .reduce((sum, count) => sum + count.calls - count.throttled, 0);
}

beforeAll(async () => {
  const { scpAlt, stack } = env;
  const { deployment } = scpAlt;
  await uploadPolicy(deployment, policyKey(fleetOu()), denying('organizations:LeaveOrganization'));
  const config = loadConfig(deployment.environment);
  const clientConfig = await functionClientConfig(stack, deployment, 's3-event-dispatcher');
  const { ports } = buildPorts(config, { functionName: 's3-event-dispatcher', clientConfig });
  const fleet = {
    ouPath: [stack.organization.rootId, fleetOu()],
    accountIds: FLEET,
    principalsPerAccount: 2,
  };
  await seedFleet(stack, flowContextFor(config, ports, SILENT), fleet, deployment.table);
  await takeS3Notifications(deployment, 0);
  await failureMessages(deployment);
  workers = await startAccountWorkers(stack, deployment, { consumers: WORKERS });
}, 300_000);

afterAll(async () => {
  await workers?.stop();
});

describe('a change across hundreds of accounts, on the account work queue', () => {
  it('queues one message per account and several workers apply it to every account, each written once', async () => {
    await env.stack.control.clearCalls();
    const results = await changeFleetFile(denying('organizations:LeaveOrganization', 'iam:CreateUser'));
    expect(results.map((result) => [result.queued, result.accounts.length])).toEqual([[FLEET.length, 0]]);

    await workers.drained();

    for (const accountId of [FLEET[0], FLEET[119], FLEET[239]])
      expect(await deniedIn(accountId ?? '')).toContain('iam:CreateUser');
    expect(await createPolicyVersionsIn(FLEET)).toBe(FLEET.length);
    expect(workers.invocations.length).toBeGreaterThanOrEqual(FLEET.length / 10);
    expect(workers.peakInFlight).toBeGreaterThan(1);
    expect(workers.invocations.every((invocation) => invocation.ok)).toBe(true);
    expect(await failureMessages(env.scpAlt.deployment)).toEqual([]);
  }, 240_000);

  it('never leaves an older listing in an account: two uploads in quick succession end on the second everywhere', async () => {
    await changeFleetFile(denying('organizations:LeaveOrganization', 'iam:CreateUser', 'iam:DeleteRole'));
    // The second upload lands while the workers are still applying the first.
    await changeFleetFile(denying('organizations:LeaveOrganization', 'iam:CreateUser', 'iam:CreateRole'));

    await workers.drained();

    const stale: string[] = [];
    for (let start = 0; start < FLEET.length; start += 20) {
      const batch = FLEET.slice(start, start + 20);
      const denied = await Promise.all(batch.map(deniedIn));
      batch.forEach((accountId, index) => {
        const actions = denied[index] ?? [];
        if (!actions.includes('iam:CreateRole') || actions.includes('iam:DeleteRole')) stale.push(accountId);
      });
    }
    expect(stale).toEqual([]);
    const records = await Promise.all(FLEET.map((id) => accountItem(env.scpAlt.deployment, id)));
    expect(records.every((record) => record?.Status === 'ACTIVE' && !record.WriteLeaseOwner)).toBe(true);
  }, 240_000);

  it('a duplicate and a late message cost a read each and write nothing', async () => {
    const [first, second] = FLEET;
    await env.stack.control.clearCalls();
    // A late message names an older file generation's change; the worker compiles what is there now.
    await env.scpAlt.deployment.clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: env.scpAlt.deployment.accountWorkQueue.url,
        Entries: [first, first, second].map((accountId, index) => ({
          Id: String(index),
          MessageBody: JSON.stringify({ accountId, reason: 'policy-change', file: policyKey(fleetOu()) }),
        })),
      }),
    );

    await workers.drained();

    expect(await createPolicyVersionsIn(FLEET)).toBe(0);
    expect(await deniedIn(first ?? '')).toContain('iam:CreateRole');
    expect(await failureMessages(env.scpAlt.deployment)).toEqual([]);
  }, 120_000);

  it('rides out a burst of IAM throttling in every account: each is applied, no notice', async () => {
    // One IAM call per second per account: every account's second write is throttled and retried.
    await env.stack.control.throttle({ service: 'iam', ratePerSecond: 1, burst: 1 });
    await env.stack.control.clearCalls();

    await changeFleetFile(denying('organizations:LeaveOrganization', 'iam:CreateRole', 'iam:PutRolePolicy'));
    await workers.drained();
    // The inspection below reads IAM too: it must not be throttled.
    await env.stack.control.clearRules();

    for (const accountId of [FLEET[0], FLEET[120], FLEET[239]])
      expect(await deniedIn(accountId ?? '')).toContain('iam:PutRolePolicy');
    const throttled = (await env.stack.control.calls({ service: 'iam' })).reduce(
      (sum, c) => sum + c.throttled,
      0,
    );
    expect(throttled).toBeGreaterThan(0);
    expect(await createPolicyVersionsIn(FLEET)).toBe(FLEET.length);
    expect(await failureMessages(env.scpAlt.deployment)).toEqual([]);
  }, 300_000);

  it('an account failing on every receive ends in the dead-letter queue, named in one notice, and replay re-drives it', async () => {
    const broken = FLEET[5] ?? '';
    // A failure that says "later" on every attempt (the SDK does not retry it; the account retry does).
    await env.stack.control.injectFault({
      service: 'iam',
      operation: 'CreatePolicyVersion',
      account: broken,
      code: 'ConcurrentModification',
      count: 10_000,
      status: 409,
      message: 'another writer',
    });

    await changeFleetFile(
      denying('organizations:LeaveOrganization', 'iam:CreateRole', 'iam:AttachRolePolicy'),
    );
    await workers.drained();

    const notices = await failureMessages(env.scpAlt.deployment);
    const naming = notices.filter((notice) => notice.includes(broken));
    expect(naming).toHaveLength(1);
    expect(naming[0]).toContain('dead-letter queue');
    expect(await deniedIn(FLEET[6] ?? '')).toContain('iam:AttachRolePolicy');
    expect((await accountItem(env.scpAlt.deployment, broken))?.Status).toBe('FAILED');

    await env.stack.control.clearRules();
    const replayed = await env.scpAlt.handlers.reconciler(
      { replay: {} },
      lambdaContext(env.scpAlt.deployment, 'reconciler', 900_000),
    );

    expect(replayed.replayed?.map((result) => [result.accountId, result.outcome])).toEqual([
      [broken, 'updated'],
    ]);
    expect(await deniedIn(broken)).toContain('iam:AttachRolePolicy');
    const again = await env.scpAlt.handlers.reconciler(
      { replay: {} },
      lambdaContext(env.scpAlt.deployment, 'reconciler', 900_000),
    );
    expect(again.replayed).toEqual([]);
  }, 400_000);
});
