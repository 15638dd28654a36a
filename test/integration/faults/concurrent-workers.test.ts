/**
 * The fault matrix's cells for the account work queue: the same guarantees as the inline cells
 * (nothing removed or weakened, the newest listing last, one notice or none, convergence), with the
 * accounts of each change queued and applied by several account workers polling at once, as the
 * deployed event source mapping runs them. Every change is queued here (inline maximum 0), however
 * few accounts it reaches.
 */
import { DeleteRolePermissionsBoundaryCommand } from '@aws-sdk/client-iam';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext } from '#dev/local-deployment/handlers.ts';
import { memberIam } from '#dev/local-deployment/inspect.ts';
import { type AccountWorkers, startAccountWorkers } from '#dev/local-env/account-workers.ts';
import { useScpAlt } from '../support/for-tests.ts';
import { deniedActions, expectNotWeakened } from './boundary-state.ts';
import { coldContainers, dispatchS3, formatMatrix, messagesNowNaming, workloadsKey } from './fault-lab.ts';
import { MatrixRun } from './matrix-run.ts';
import { versionHistory, waitForCalls } from './policy-versions.ts';

// A message is not delivered to a second worker while the first still works on it, as with the
// deployed 5,400 s (locally 5 s by default, so that tests of redelivery run fast): a throttled
// reconcile takes longer than 5 s.
const env = useScpAlt({ accountWorkQueue: { visibilityTimeoutSeconds: 900 } });
const run = new MatrixRun(env);
const QUEUED = { accountWorkInlineMax: 0 };
const WORKERS = 4;
let workers: AccountWorkers;

const appDev = () => run.account('app-dev');
const appProd = () => run.account('app-prod');

/** Convergence is checked by a reconcile run inline, which reports its drift itself. */
const inlineContainers = () => coldContainers(env.stack, run.deployment);

/** Policy versions IAM created in the account since the calls were last cleared. */
async function versionsWritten(accountId: string): Promise<number> {
  const counts = await env.stack.control.calls({
    service: 'iam',
    operation: 'CreatePolicyVersion',
    account: accountId,
  });
  return counts.reduce((sum, count) => sum + count.calls - count.throttled, 0);
}

beforeAll(async () => {
  await run.enrollAll();
  workers = await startAccountWorkers(env.stack, run.deployment, { consumers: WORKERS });
});

afterEach(async () => {
  await env.stack.control.clearRules();
});

afterAll(async () => {
  await workers?.stop();
  console.log(formatMatrix(run.rows).replace('Fault matrix', 'Fault matrix, concurrent account workers'));
});

describe('fault matrix, concurrent account workers', () => {
  it('an older listing still writing on one worker when a newer change reaches another', async () => {
    const { containers, before } = await run.startCell(QUEUED);
    const older = run.nextAction();
    const newer = run.nextAction();
    const invocationsBefore = workers.invocations.length;
    // The first change's worker reads the older file, then its policy writes stall in the network.
    await env.stack.control.addLatency({ service: 'iam', operation: 'CreatePolicyVersion', ms: 3_000 });
    const first = await dispatchS3(containers, run.deployment, await run.tightenWorkloads(older));
    expect(first.map((result) => result.queued)).toEqual([2]);
    await waitForCalls(
      env.stack,
      { service: 'iam', operation: 'CreatePolicyVersion', account: appDev() },
      1,
      { arrived: true },
    );
    await env.stack.control.clearRules();
    // The newer change is queued while that write is held: another worker takes it.
    const second = await dispatchS3(containers, run.deployment, await run.tightenWorkloads(newer));
    expect(second.map((result) => result.queued)).toEqual([2]);
    await workers.drained();

    const after = await run.capture();
    expectNotWeakened(before, after);
    for (const accountId of [appDev(), appProd()]) expect(deniedActions(after[accountId])).toContain(newer);
    // The newer worker waited for the older one's write lease: older landed first, newer last.
    expect(await versionHistory(env.stack, run.deployment, appDev(), { older, newer })).toEqual([
      'older only',
      'newer',
    ]);
    const invocations = workers.invocations.slice(invocationsBefore);
    expect(invocations.length).toBeGreaterThanOrEqual(2);
    expect(invocations.every((invocation) => invocation.ok)).toBe(true);
    expect(await messagesNowNaming(run.deployment, appDev())).toEqual([]);
    const convergence = await run.expectConverged(await inlineContainers(), 'applied in listing order');
    run.rows.push({
      cell: 'older write in flight, two workers',
      fault: "3 s latency on the older worker's CreatePolicyVersion",
      outcome: `newer worker waited for the write lease; older landed first, newer last (${invocations.length} worker invocations)`,
      notice: 'none (nothing failed)',
      convergence,
    });
  }, 120_000);

  it('the same account delivered to several workers at once is written once', async () => {
    const { containers, before } = await run.startCell(QUEUED);
    const action = run.nextAction();
    await env.stack.control.clearCalls();
    // Writes slowed so that the copies overlap whichever worker takes them.
    await env.stack.control.addLatency({ service: 'iam', operation: 'CreatePolicyVersion', ms: 1_000 });
    const changed = await dispatchS3(containers, run.deployment, await run.tightenWorkloads(action));
    expect(changed.map((result) => result.queued)).toEqual([2]);
    // Three more copies of app-dev's message, as an at-least-once queue may deliver them.
    await run.deployment.clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: run.deployment.accountWorkQueue.url,
        Entries: [1, 2, 3].map((copy) => ({
          Id: String(copy),
          MessageBody: JSON.stringify({
            accountId: appDev(),
            reason: 'policy-change',
            file: workloadsKey(run.deployment),
          }),
        })),
      }),
    );
    await workers.drained();

    const after = await run.capture();
    expectNotWeakened(before, after);
    expect(deniedActions(after[appDev()])).toContain(action);
    expect(await versionsWritten(appDev())).toBe(1);
    expect(await versionsWritten(appProd())).toBe(1);
    expect(await messagesNowNaming(run.deployment, appDev())).toEqual([]);
    const convergence = await run.expectConverged(await inlineContainers(), 'applied once');
    run.rows.push({
      cell: 'duplicate messages, concurrent workers',
      fault: "app-dev's message sent 4 times; 1 s latency on writes",
      outcome: 'one policy version written; the copies found it current',
      notice: 'none (nothing failed)',
      convergence,
    });
  }, 120_000);

  it('a reconcile queued for the workers repairs drift through a burst of IAM throttling, in one summary', async () => {
    const { containers, before } = await run.startCell(QUEUED);
    const bounded = Object.entries(before[appDev()]?.principals ?? {}).find(
      ([principal, boundary]) => principal.startsWith('role/') && boundary?.endsWith('/scp-enforce-policy'),
    );
    const roleName = bounded?.[0].slice('role/'.length) ?? '';
    expect(roleName).not.toBe('');
    const iam = await memberIam(env.stack, appDev());
    await iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: roleName }));
    // Two IAM calls a second: the worker's sweep of app-dev is throttled and retried.
    await env.stack.control.throttle({ service: 'iam', account: appDev(), ratePerSecond: 2, burst: 2 });
    await env.stack.control.clearCalls();

    const report = await containers.reconciler({}, lambdaContext(run.deployment, 'reconciler'));
    expect(report).toMatchObject({ queued: run.enrolled.length, drifted: [] });
    await workers.drained();
    await env.stack.control.clearRules();

    const after = await run.capture();
    expectNotWeakened(before, after);
    const throttled = (await env.stack.control.calls({ service: 'iam', account: appDev() })).reduce(
      (sum, count) => sum + count.throttled,
      0,
    );
    expect(throttled).toBeGreaterThan(0);
    const notices = await messagesNowNaming(run.deployment, appDev());
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('DRIFT_REPAIRED');
    expect(notices[0]).toContain('1 boundary(ies) re-attached');
    const convergence = await run.expectConverged(await inlineContainers(), 'repaired by the worker');
    run.rows.push({
      cell: 'reconcile queued, throttled',
      fault: `boundary removed from role ${roleName}; IAM at 2 calls/s in app-dev`,
      outcome: `every account queued; the worker re-attached it (${throttled} calls throttled, retried)`,
      notice: 'one DRIFT_REPAIRED naming app-dev',
      convergence,
    });
  }, 120_000);
});
