import { describe, expect, it } from 'vitest';
import { mapSettled } from '#runtime/concurrency.ts';
import { deadlineBeforeTimeout } from '#runtime/deadline.ts';
import { applyPolicyChange } from '#usecases/policy-change.ts';
import { reconcileAccounts } from '#usecases/reconcile.ts';
import { replayFailedAccounts } from '#usecases/replay.ts';
import { A1, A2, B1, deadlineAfter, documentOf, enrolledOrganization } from '../fakes/organization.ts';
import { ALLOW_ALL_DENY, ROOT } from '../fakes/world.ts';

describe('deadline', () => {
  it('is reached a margin before the timeout, the margin capped at a quarter of the invocation', () => {
    let remaining = 900_000;
    const deadline = deadlineBeforeTimeout(() => remaining, 60_000);
    expect(deadline.reached()).toBe(false);
    remaining = 60_000;
    expect(deadline.reached()).toBe(true);
    let short = 40_000;
    const shortDeadline = deadlineBeforeTimeout(() => short, 60_000);
    expect(shortDeadline.reached()).toBe(false);
    short = 10_000;
    expect(shortDeadline.reached()).toBe(true);
  });

  it('stops mapSettled from starting items, which are reported as not started', async () => {
    const started: number[] = [];
    const results = await mapSettled(
      [1, 2, 3],
      1,
      async (item) => {
        started.push(item);
        return item;
      },
      { stopStarting: () => started.length >= 1, notStartedError: () => 'late' },
    );
    expect(started).toEqual([1]);
    expect(results).toEqual([
      { ok: true, value: 1 },
      { ok: false, error: 'late', notStarted: true },
      { ok: false, error: 'late', notStarted: true },
    ]);
  });
});

describe('deadline reached mid-fan-out', () => {
  it('Given a root file reaching three accounts and time for one, Then the others are recorded FAILED "deadline reached", named in one notice, and replay finishes them', async () => {
    const world = await enrolledOrganization();
    const key = world.policyStore.put(`${ROOT}.json`, ALLOW_ALL_DENY('ec2:TerminateInstances'));
    const ctx = {
      ...world.ctx,
      settings: { ...world.settings, fanoutConcurrency: 1 },
      deadline: deadlineAfter(1),
    };

    const result = await applyPolicyChange(ctx, { key, eventKind: 'created' });

    const outcomes = Object.fromEntries(result.accounts.map((a) => [a.accountId, [a.outcome, a.code]]));
    const finished = Object.entries(outcomes).filter(([, [outcome]]) => outcome === 'updated');
    expect(finished).toHaveLength(1);
    const left = [A1, A2, B1].filter((id) => outcomes[id]?.[0] === 'failed');
    expect(left).toHaveLength(2);
    for (const accountId of left) {
      expect(outcomes[accountId]?.[1]).toBe('DEADLINE_EXCEEDED');
      expect(world.accounts.records.get(accountId)?.status).toBe('FAILED');
      expect(world.accounts.records.get(accountId)?.lastError).toContain('deadline reached');
      expect(documentOf(world, accountId)).not.toContain('ec2:TerminateInstances');
    }
    expect(world.notifier.notices).toHaveLength(1);
    expect(world.notifier.notices[0]).toMatchObject({ code: 'DEADLINE_EXCEEDED', file: key, step: 'sync' });
    expect(world.notifier.notices[0]?.details?.join('\n')).toContain(left[0]);

    const replayed = await replayFailedAccounts(world.ctx);

    expect(replayed.map((r) => [r.accountId, r.outcome])).toEqual(left.map((id) => [id, 'updated']));
    for (const accountId of [A1, A2, B1]) {
      expect(documentOf(world, accountId)).toContain('ec2:TerminateInstances');
      expect(world.accounts.records.get(accountId)?.status).toBe('ACTIVE');
    }
  });

  it('Given the reconciler runs out of time, Then the accounts it did not reach are left for the next run and reported', async () => {
    const world = await enrolledOrganization();
    const ctx = {
      ...world.ctx,
      settings: { ...world.settings, fanoutConcurrency: 1 },
      deadline: deadlineAfter(2),
    };

    const report = await reconcileAccounts(ctx);

    expect(report.checked).toBe(3);
    expect(report.drifted).toHaveLength(1);
    expect(report.drifted[0]?.problems[0]).toContain('deadline reached');
    expect(world.notifier.codes()).toEqual(['DEADLINE_EXCEEDED', 'RECONCILE_INCOMPLETE']);
  });
});
