import { describe, expect, it } from 'vitest';
import { makeHandler } from '#functions/reconciler.ts';
import { applyPolicyChange } from '#usecases/policy-change.ts';
import { reconcileAccounts, STALE_ENROLLING_MS } from '#usecases/reconcile.ts';
import { replayFailedAccounts } from '#usecases/replay.ts';
import { A1, A2, awsError, B1, documentOf, enrolledOrganization } from '../fakes/organization.ts';
import { ALLOW_ALL_DENY, lambdaContext, OU_A, silentLogger } from '../fakes/world.ts';

describe('reconciler', () => {
  it('Given an administrator set an old default version, Then a new version with the compiled content is written', async () => {
    const world = await enrolledOrganization();
    const key = world.policyStore.put(`${OU_A}.json`, ALLOW_ALL_DENY('ec2:TerminateInstances'));
    await applyPolicyChange(world.ctx, { key, eventKind: 'created' });
    world.iam.setDefaultVersion(A1, 'v1');
    world.notifier.notices.length = 0;

    const report = await reconcileAccounts(world.ctx);

    expect(report.drifted).toEqual([
      expect.objectContaining({ accountId: A1, policyRewritten: true, problems: [] }),
    ]);
    expect(documentOf(world, A1)).toContain('ec2:TerminateInstances');
    expect(world.notifier.notices).toHaveLength(1);
  });

  it('picks up an enrollment that died in ENROLLING, but leaves a recent one to its function', async () => {
    const world = await enrolledOrganization();
    const old = new Date(Date.parse('2026-03-01T12:00:00Z') - STALE_ENROLLING_MS - 1).toISOString();
    const a1 = world.accounts.records.get(A1);
    const a2 = world.accounts.records.get(A2);
    if (!a1 || !a2) throw new Error('seeded records missing');
    world.accounts.records.set(A1, { ...a1, status: 'ENROLLING', updatedAt: old });
    world.accounts.records.set(A2, { ...a2, status: 'ENROLLING', updatedAt: '2026-03-01T11:59:00Z' });

    const report = await reconcileAccounts(world.ctx);

    expect(report.checked).toBe(2); // A1 (stale) and B1
    expect(world.accounts.records.get(A1)?.status).toBe('ACTIVE');
    expect(world.accounts.records.get(A2)?.status).toBe('ENROLLING');
  });

  it('sends one summary for every account it could not repair, naming each', async () => {
    const world = await enrolledOrganization();
    world.iam.failNext('ListUsers', awsError('AccessDenied'), A1);
    world.iam.failNext('ListUsers', awsError('AccessDenied'), B1);

    const report = await reconcileAccounts(world.ctx);

    expect(report.drifted.map((d) => d.accountId).sort()).toEqual([A1, B1]);
    expect(world.notifier.notices).toHaveLength(1);
    expect(world.notifier.notices[0]?.code).toBe('RECONCILE_INCOMPLETE');
    expect(world.notifier.notices[0]?.details?.join('\n')).toMatch(
      new RegExp(`${A1}.*AccessDenied[^]*${B1}`),
    );
  });
});

describe('replay', () => {
  it('re-drives FAILED accounts only, re-enrolling one whose enrollment never finished', async () => {
    const world = await enrolledOrganization();
    const a1 = world.accounts.records.get(A1);
    const a2 = world.accounts.records.get(A2);
    if (!a1 || !a2) throw new Error('seeded records missing');
    world.accounts.records.set(A1, {
      ...a1,
      status: 'FAILED',
      lastError: 'DEADLINE_EXCEEDED: deadline reached',
    });
    world.accounts.records.set(A2, { ...a2, status: 'FAILED', boundaryVersionId: undefined });

    const results = await replayFailedAccounts(world.ctx);

    expect(results).toEqual([
      { accountId: A1, action: 'sync', outcome: 'updated' },
      { accountId: A2, action: 'enroll', outcome: 're-enrolled' },
    ]);
    expect(world.accounts.records.get(A1)).toMatchObject({ status: 'ACTIVE', lastError: undefined });
    expect(world.accounts.records.get(A2)?.status).toBe('ACTIVE');
  });

  it('replays one named account whatever its status, and says when it is not enrolled', async () => {
    const world = await enrolledOrganization();
    expect(await replayFailedAccounts(world.ctx, { accountId: B1 })).toEqual([
      { accountId: B1, action: 'sync', outcome: 'updated' },
    ]);
    expect(await replayFailedAccounts(world.ctx, { accountId: '444444444444' })).toEqual([
      { accountId: '444444444444', action: 'none', outcome: 'failed', reason: 'not enrolled' },
    ]);
  });

  it('runs through the reconciler function with a replay event', async () => {
    const world = await enrolledOrganization();
    const a1 = world.accounts.records.get(A1);
    if (!a1) throw new Error('seeded record missing');
    world.accounts.records.set(A1, { ...a1, status: 'FAILED' });
    const handler = makeHandler({ ctx: world.ctx, logger: silentLogger() });

    const response = await handler({ replay: {} }, lambdaContext());

    expect(response.replayed).toEqual([{ accountId: A1, action: 'sync', outcome: 'updated' }]);
  });

  it('leaves an unfinished enrollment to the operator when run by the reconciler (its role cannot enroll)', async () => {
    const world = await enrolledOrganization();
    const a2 = world.accounts.records.get(A2);
    if (!a2) throw new Error('seeded record missing');
    world.accounts.records.set(A2, { ...a2, status: 'FAILED', boundaryVersionId: undefined });
    const handler = makeHandler({ ctx: world.ctx, logger: silentLogger() });

    const response = await handler({ replay: { accountId: A2 } }, lambdaContext());

    expect(response.replayed).toEqual([
      {
        accountId: A2,
        action: 'none',
        outcome: 'skipped',
        reason: expect.stringContaining('scp-alt replay'),
      },
    ]);
    expect(world.accounts.records.get(A2)?.status).toBe('FAILED');
  });
});
