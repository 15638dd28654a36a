/**
 * The fault matrix: every fault the proxy can inject on the paths that change boundaries. In every
 * cell: no boundary is removed or weakened (default version and each principal's boundary compared
 * before and after), the operators get an SNS message naming account, file and cause (or, where
 * retries absorb the fault, none), and the next replay or reconcile converges (a reconcile then
 * finds no drift). The matrix is printed at the end.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { takeS3Notifications } from '#dev/local-deployment/events.ts';
import { lambdaContext } from '#dev/local-deployment/handlers.ts';
import { accountItem, failureMessages } from '#dev/local-deployment/inspect.ts';
import { deletePolicy, oversizePolicy, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { useScpAlt } from '../support/for-tests.ts';
import { deniedActions, expectNotWeakened } from './boundary-state.ts';
import {
  coldContainers,
  denyFile,
  dispatchS3,
  formatMatrix,
  messagesNaming,
  messagesNowNaming,
  sandboxKey,
  workloadsKey,
} from './fault-lab.ts';
import { MatrixRun, outcomeOf } from './matrix-run.ts';
import { fillPolicyVersions, versionHistory, waitForCalls } from './policy-versions.ts';

const env = useScpAlt();
const run = new MatrixRun(env);
const deployment = () => run.deployment;
const appDev = () => run.account('app-dev');
const appProd = () => run.account('app-prod');
const sandbox = () => run.account('sandbox');

beforeAll(() => run.enrollAll());

afterEach(async () => {
  await env.stack.control.clearRules();
});

afterAll(() => {
  console.log(formatMatrix(run.rows));
});

describe('fault matrix', () => {
  it('throttling bursts', () =>
    run.transientThenPersistent(
      'throttling burst',
      { service: 'iam', account: appDev(), code: 'Throttling' },
      'Throttling',
    ));

  it('LimitExceeded on policy versions', () =>
    run.transientThenPersistent(
      'LimitExceeded on versions',
      {
        service: 'iam',
        operation: 'CreatePolicyVersion',
        account: appDev(),
        code: 'LimitExceeded',
        status: 409,
      },
      'LimitExceeded',
    ));

  it('expired session mid-run', async () => {
    const { containers, before } = await run.startCell();
    const key = workloadsKey(deployment());
    const memberAssumes = () =>
      env.stack.control.countCalls({
        service: 'sts',
        operation: 'AssumeRole',
        account: env.stack.organization.managementAccountId,
      });
    const assumedBefore = await memberAssumes();
    await run.inject({ service: 'iam', account: appDev(), code: 'ExpiredToken', status: 403, count: 1 });
    const absorbed = await dispatchS3(containers, deployment(), await run.tightenWorkloads());
    expect(outcomeOf(absorbed, appDev())?.outcome).toBe('updated');
    // One session per account, plus a fresh one for app-dev after its session was refused.
    expect((await memberAssumes()) - assumedBefore).toBe(3);
    expect(await messagesNowNaming(deployment(), appDev())).toEqual([]);

    await run.inject({ service: 'iam', account: appDev(), code: 'ExpiredToken', status: 403, count: 1000 });
    const failed = await dispatchS3(containers, deployment(), await run.tightenWorkloads());
    await env.stack.control.clearRules();
    expect(outcomeOf(failed, appDev())?.outcome).toBe('failed');
    expectNotWeakened(before, await run.capture());
    expect(await messagesNaming(deployment(), appDev(), key, 'ExpiredToken')).toHaveLength(1);
    const convergence = await run.expectConverged(containers, await run.replay(containers));
    run.rows.push({
      cell: 'expired session mid-run',
      fault: 'ExpiredToken on iam:* (app-dev)',
      outcome: 'once: session re-assumed, updated; persistent → app-dev FAILED',
      notice: 'none, then 1 naming app-dev, file, ExpiredToken',
      convergence,
    });
  });

  it('AccessDenied on assume', async () => {
    const { containers, before } = await run.startCell();
    const key = workloadsKey(deployment());
    // The management session assumes the member role of every account: aimed at app-dev's alone.
    await run.inject({
      service: 'sts',
      operation: 'AssumeRole',
      targetAccount: appDev(),
      code: 'AccessDenied',
      status: 403,
      count: 1000,
    });
    const results = await dispatchS3(containers, deployment(), await run.tightenWorkloads());
    await env.stack.control.clearRules();
    expect(outcomeOf(results, appDev())).toMatchObject({ outcome: 'failed', code: 'ASSUME_ROLE_FAILED' });
    expect(await accountItem(deployment(), appDev())).toMatchObject({ Status: 'FAILED' });
    expect(outcomeOf(results, appProd())?.outcome).toBe('updated');
    expectNotWeakened(before, await run.capture());
    expect(await messagesNaming(deployment(), appDev(), key, 'AccessDenied')).toHaveLength(1);
    const convergence = await run.expectConverged(containers, await run.replay(containers));
    run.rows.push({
      cell: 'AccessDenied on assume',
      fault: "AccessDenied on sts:AssumeRole into app-dev's member role",
      outcome: 'app-dev FAILED (ASSUME_ROLE_FAILED), nothing written there; app-prod updated',
      notice: '1 naming app-dev, file, AccessDenied',
      convergence,
    });
  });

  it('DeleteConflict while pruning the oldest version', async () => {
    const { containers, before } = await run.startCell();
    const key = workloadsKey(deployment());
    await fillPolicyVersions(env.stack, deployment(), appDev());
    await run.inject({
      service: 'iam',
      operation: 'DeletePolicyVersion',
      account: appDev(),
      code: 'DeleteConflict',
      status: 409,
      count: 1000,
    });
    const results = await dispatchS3(containers, deployment(), await run.tightenWorkloads());
    await env.stack.control.clearRules();
    expect(outcomeOf(results, appDev())?.outcome).toBe('failed');
    expect(outcomeOf(results, appProd())?.outcome).toBe('updated');
    const after = await run.capture();
    expectNotWeakened(before, after);
    expect(after[appDev()]?.versionId).toBe(before[appDev()]?.versionId);
    expect(await messagesNaming(deployment(), appDev(), key, 'DeleteConflict')).toHaveLength(1);
    const convergence = await run.expectConverged(containers, await run.replay(containers));
    run.rows.push({
      cell: 'DeleteConflict',
      fault: 'DeleteConflict on iam:DeletePolicyVersion (5 versions)',
      outcome: 'app-dev FAILED, default version unchanged; app-prod updated',
      notice: '1 naming app-dev, file, DeleteConflict',
      convergence,
    });
  });

  it('DynamoDB conditional conflict', async () => {
    const { containers, before } = await run.startCell();
    const key = workloadsKey(deployment());
    const conflict = {
      service: 'dynamodb',
      operation: 'PutItem',
      account: env.stack.organization.securityAccountId,
      code: 'ConditionalCheckFailedException',
    };
    await run.inject({ ...conflict, count: 2 });
    const absorbed = await dispatchS3(containers, deployment(), await run.tightenWorkloads());
    expect(absorbed.flatMap((r) => r.accounts).map((a) => a.outcome)).toEqual(['updated', 'updated']);
    expect(await messagesNowNaming(deployment(), 'RECORD_CONFLICT')).toEqual([]);

    await run.inject({ ...conflict, count: 1000 });
    const failed = await dispatchS3(containers, deployment(), await run.tightenWorkloads());
    await env.stack.control.clearRules();
    expect(outcomeOf(failed, appDev())).toMatchObject({ outcome: 'failed', code: 'RECORD_CONFLICT' });
    expectNotWeakened(before, await run.capture());
    expect(await messagesNaming(deployment(), appDev(), key, 'RECORD_CONFLICT')).toHaveLength(1);
    // The write lease could not be taken, so nothing was written: the old boundary stands.
    const reconciled = await containers.reconciler({}, lambdaContext(deployment(), 'reconciler'));
    expect(reconciled.drifted.filter((d) => d.problems.length > 0)).toEqual([]);
    const convergence = await run.expectConverged(containers, 'next reconcile applied the change');
    run.rows.push({
      cell: 'DynamoDB conditional conflict',
      fault: 'ConditionalCheckFailedException on dynamodb:PutItem',
      outcome: '2 absorbed by re-read; persistent → no lease, no write, old boundary kept',
      notice: '1 for the run, a line per account naming it, file, RECORD_CONFLICT',
      convergence,
    });
  });

  it('policy object deleted between event and read', async () => {
    const { containers, before } = await run.startCell();
    const key = sandboxKey(deployment());
    const marker = run.nextAction();
    await uploadPolicy(deployment(), key, denyFile([...run.sandboxDenies, marker]));
    const created = await takeS3Notifications(deployment());
    await deletePolicy(deployment(), key);
    const removed = await takeS3Notifications(deployment());
    const results = await dispatchS3(containers, deployment(), [...created, ...removed]);
    const outcomes = results.flatMap((r) => r.accounts).map((a) => [a.accountId, a.outcome, a.code]);
    expect(outcomes.length).toBeGreaterThanOrEqual(1);
    for (const outcome of outcomes) expect(outcome).toEqual([sandbox(), 'failed', 'POLICY_MISSING']);
    expectNotWeakened(before, await run.capture());
    expect(
      (await messagesNaming(deployment(), sandbox(), key, 'POLICY_MISSING')).length,
    ).toBeGreaterThanOrEqual(1);
    run.sandboxDenies.push(marker);
    await uploadPolicy(deployment(), key, denyFile(run.sandboxDenies));
    await dispatchS3(containers, deployment(), await takeS3Notifications(deployment()));
    const convergence = await run.expectConverged(containers, 'file uploaded again');
    run.rows.push({
      cell: 'object deleted before read',
      fault: 'created event, object deleted before the read',
      outcome: 'no policy applies → boundary kept, sandbox FAILED',
      notice: 'naming sandbox, file, POLICY_MISSING',
      convergence,
    });
  });

  it('duplicate and reordered events', async () => {
    const { containers, before } = await run.startCell();
    const older = run.nextAction();
    const newer = run.nextAction();
    const first = await run.tightenWorkloads(older);
    const second = await run.tightenWorkloads(newer);
    const results = await dispatchS3(containers, deployment(), [...second, ...first, ...second, ...first]);
    const outcomes = results.map((r) => r.accounts.map((a) => a.outcome).join('+'));
    expect(outcomes).toEqual([
      'updated+updated',
      'unchanged+unchanged',
      'unchanged+unchanged',
      'unchanged+unchanged',
    ]);
    const after = await run.capture();
    expectNotWeakened(before, after);
    expect(deniedActions(after[appDev()])).toContain(newer);
    expect(await messagesNowNaming(deployment(), appDev())).toEqual([]);
    const convergence = await run.expectConverged(containers, 'applied on first delivery');
    run.rows.push({
      cell: 'duplicate + reordered events',
      fault: 'events delivered newer, older, newer, older',
      outcome: 'newest content applied once; the rest unchanged',
      notice: 'none (nothing failed)',
      convergence,
    });
  });

  it('an older write still in flight when a newer one starts', async () => {
    const { containers, before } = await run.startCell();
    const older = run.nextAction();
    const newer = run.nextAction();
    const first = await run.tightenWorkloads(older);
    // The first invocation reads the older file, then its policy writes stall in the network.
    await env.stack.control.addLatency({ service: 'iam', operation: 'CreatePolicyVersion', ms: 3_000 });
    const slow = dispatchS3(containers, deployment(), first);
    // The older content's write has reached the proxy, which holds it for 3 s from arrival.
    await waitForCalls(
      env.stack,
      { service: 'iam', operation: 'CreatePolicyVersion', account: appDev() },
      1,
      {
        arrived: true,
      },
    );
    await env.stack.control.clearRules();
    const second = await run.tightenWorkloads(newer);
    const fresh = await coldContainers(env.stack, deployment());
    await dispatchS3(fresh, deployment(), second);
    await slow;
    const after = await run.capture();
    expectNotWeakened(before, after);
    expect(deniedActions(after[appDev()])).toContain(newer);
    // The newer invocation waited for the older one's write lease: the older content landed first,
    // the newer one after it, and nothing older ever replaced it.
    expect(await versionHistory(env.stack, deployment(), appDev(), { older, newer })).toEqual([
      'older only',
      'newer',
    ]);
    expect(await messagesNowNaming(deployment(), appDev())).toEqual([]);
    const convergence = await run.expectConverged(containers, 'applied in listing order');
    run.rows.push({
      cell: 'older write in flight',
      fault: "3 s latency on the older invocation's CreatePolicyVersion",
      outcome: 'newer waited for the write lease; older landed first, newer last',
      notice: 'none (nothing failed)',
      convergence,
    });
  });

  it('deadline reached mid-fan-out', async () => {
    const { containers, before } = await run.startCell({ fanoutConcurrency: 1, fanoutMarginMs: 1_000 });
    const key = workloadsKey(deployment());
    // The first account's policy write alone then takes 2 s: past the deadline at 1.5 s (2 s timeout
    // less the margin, capped at a quarter of it), so the second account is never started.
    await env.stack.control.addLatency({ service: 'iam', ms: 2_000 });
    const results = await dispatchS3(containers, deployment(), await run.tightenWorkloads(), 2_000);
    await env.stack.control.clearRules();
    const accounts = results.flatMap((r) => r.accounts);
    expect(accounts.map((a) => a.outcome).sort()).toEqual(['failed', 'updated']);
    const left = accounts.find((a) => a.outcome === 'failed');
    expect(left).toMatchObject({
      code: 'DEADLINE_EXCEEDED',
      reason: expect.stringContaining('deadline reached'),
    });
    const record = await accountItem(deployment(), left?.accountId ?? '');
    expect(record).toMatchObject({
      Status: 'FAILED',
      LastError: expect.stringContaining('deadline reached'),
    });
    expectNotWeakened(before, await run.capture());
    expect(await messagesNaming(deployment(), left?.accountId ?? '', key, 'deadline reached')).toHaveLength(
      1,
    );
    const convergence = await run.expectConverged(containers, await run.replay(containers));
    run.rows.push({
      cell: 'deadline mid-fan-out',
      fault: '2 s IAM latency, 2 s timeout, 1 account at a time',
      outcome: '1 account updated, 1 not started → FAILED "deadline reached"',
      notice: '1 naming the account left, file, deadline reached',
      convergence,
    });
  });

  it.each([
    [
      'malformed file',
      () => '{ "Version": "2012-10-17", "Statement": [ { "Effect": "Deny", ',
      'POLICY_INVALID',
    ],
    ['unknown action', () => denyFile([...run.workloadsDenies, 'ec2:LaunchRocket']), 'ec2:LaunchRocket'],
  ])('%s', async (cell, body, cause) => {
    const { containers, before } = await run.startCell();
    const key = workloadsKey(deployment());
    await uploadPolicy(deployment(), key, body());
    const results = await dispatchS3(containers, deployment(), await takeS3Notifications(deployment()));
    expect(results[0]?.rejected?.length).toBeGreaterThan(0);
    expect(results[0]?.accounts).toEqual([]);
    expectNotWeakened(before, await run.capture());
    expect(await messagesNaming(deployment(), appDev(), appProd(), key, cause)).toHaveLength(1);
    await run.tightenWorkloads().then((fixed) => dispatchS3(containers, deployment(), fixed));
    const convergence = await run.expectConverged(containers, 'fixed file uploaded');
    run.rows.push({
      cell,
      fault: cause === 'POLICY_INVALID' ? 'truncated JSON uploaded' : 'Deny on a non-existent action',
      outcome: 'rejected before any account was touched',
      notice: `1 naming file, ${cause}, the accounts it reaches`,
      convergence,
    });
  });

  it('oversize file', async () => {
    const { containers, before } = await run.startCell();
    const key = workloadsKey(deployment());
    await uploadPolicy(deployment(), key, oversizePolicy());
    const results = await dispatchS3(containers, deployment(), await takeS3Notifications(deployment()));
    expect(results[0]?.accounts.map((a) => [a.outcome, a.code])).toEqual([
      ['failed', 'POLICY_INVALID'],
      ['failed', 'POLICY_INVALID'],
    ]);
    expectNotWeakened(before, await run.capture());
    // One notice for the invocation, naming both accounts.
    const messages = await failureMessages(deployment(), { atLeast: 1 });
    expect(messages).toHaveLength(1);
    for (const accountId of [appDev(), appProd()]) {
      expect(
        messages.filter((m) => [accountId, key, 'limit of 6,144'].every((w) => m.includes(w))),
      ).toHaveLength(1);
    }
    await run.tightenWorkloads().then((fixed) => dispatchS3(containers, deployment(), fixed));
    const convergence = await run.expectConverged(containers, 'fixed file uploaded');
    run.rows.push({
      cell: 'oversize file',
      fault: 'file compiling past 6,144 characters',
      outcome: 'compile refused per account, boundary kept',
      notice: '1 for the run, a line per account naming it, file, size',
      convergence,
    });
  });
});
