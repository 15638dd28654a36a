import { describe, expect, it } from 'vitest';
import { RetryLaterError } from '#shared/errors.ts';
import { applyAccountWork } from '#usecases/account-work.ts';
import { policySnapshot } from '#usecases/compile-account.ts';
import type { FlowContext } from '#usecases/flow-context.ts';
import { applyPolicyChange } from '#usecases/policy-change.ts';
import type { AccountWorkItem, AccountWorkQueuePort } from '#usecases/ports.ts';
import { reconcileAccounts, reportReconciled } from '#usecases/reconcile.ts';
import { A1, A2, B1, documentOf, enrolledOrganization } from '../fakes/organization.ts';
import { ALLOW_ALL_DENY, OU_A, OU_B, ROOT } from '../fakes/world.ts';

/** The account work queue as a list of what was sent. */
function recordingQueue(): AccountWorkQueuePort & { sent: AccountWorkItem[] } {
  const sent: AccountWorkItem[] = [];
  return {
    sent,
    enqueue: async (items) => {
      sent.push(...items);
    },
    receiveDeadLetters: async () => [],
    deleteDeadLetters: async () => {},
  };
}

/** What a policy-change or replay item came to (a reconcile item answers with its drift instead). */
function outcomeOf(result: Awaited<ReturnType<typeof applyAccountWork>>): string {
  return 'drift' in result ? 'reconciled' : result.outcome;
}

function withQueue(ctx: FlowContext, queue: AccountWorkQueuePort, inlineMax: number): FlowContext {
  return {
    ...ctx,
    ports: { ...ctx.ports, accountWork: queue },
    settings: { ...ctx.settings, accountWorkInlineMax: inlineMax },
  };
}

describe('fan-out on the account work queue', () => {
  it('Given a change reaching more accounts than the inline maximum, Then one item per account is queued and no account is written here', async () => {
    const world = await enrolledOrganization();
    const queue = recordingQueue();
    const key = world.policyStore.put(`${ROOT}.json`, ALLOW_ALL_DENY('ec2:TerminateInstances'));

    const result = await applyPolicyChange(withQueue(world.ctx, queue, 2), { key, eventKind: 'created' });

    expect(result).toMatchObject({ queued: 3, accounts: [] });
    expect(queue.sent.map((item) => item.accountId).sort()).toEqual([A1, A2, B1].sort());
    expect(queue.sent.every((item) => item.reason === 'policy-change' && item.file === key)).toBe(true);
    expect(world.iam.writes()).toEqual([]);
  });

  it('Given a change reaching no more than the inline maximum, Then it is applied inline and nothing is queued', async () => {
    const world = await enrolledOrganization();
    const queue = recordingQueue();
    const key = world.policyStore.put(`${ROOT}.json`, ALLOW_ALL_DENY('ec2:TerminateInstances'));

    const result = await applyPolicyChange(withQueue(world.ctx, queue, 3), { key, eventKind: 'created' });

    expect(result.accounts.map((account) => account.outcome)).toEqual(['updated', 'updated', 'updated']);
    expect(queue.sent).toEqual([]);
  });

  it('Given a queued item, When the worker applies it, Then the account gets the current content, and a second delivery writes nothing', async () => {
    const world = await enrolledOrganization();
    const key = world.policyStore.put(`${ROOT}.json`, ALLOW_ALL_DENY('ec2:TerminateInstances'));
    const item: AccountWorkItem = { accountId: A1, reason: 'policy-change', file: key };

    const first = await applyAccountWork(world.ctx, policySnapshot(world.ctx.ports.policyStore), item);
    const again = await applyAccountWork(world.ctx, policySnapshot(world.ctx.ports.policyStore), item);

    expect([outcomeOf(first), outcomeOf(again)]).toEqual(['updated', 'unchanged']);
    expect(documentOf(world, A1)).toContain('ec2:TerminateInstances');
    expect(world.iam.callsTo(A1, 'CreatePolicyVersion')).toHaveLength(1);
  });

  it('Given an account whose writes keep being throttled, Then the worker hands the item back (RetryLaterError) instead of answering', async () => {
    const world = await enrolledOrganization();
    const key = world.policyStore.put(`${ROOT}.json`, ALLOW_ALL_DENY('ec2:TerminateInstances'));
    const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    for (let attempt = 0; attempt < 5; attempt++) world.iam.failNext('CreatePolicyVersion', throttled(), A1);
    const ctx = { ...world.ctx, retry: { attempts: 2, baseDelayMs: 0, sleep: async () => {} } };

    await expect(
      applyAccountWork(ctx, policySnapshot(ctx.ports.policyStore), {
        accountId: A1,
        reason: 'policy-change',
        file: key,
      }),
    ).rejects.toBeInstanceOf(RetryLaterError);
    expect(world.accounts.records.get(A1)?.status).toBe('FAILED');
  });
});

describe('a reconcile on the account work queue', () => {
  it('Given more enrolled accounts than the inline maximum, Then each is queued with its place from the one read of the tree, and nothing is repaired here', async () => {
    const world = await enrolledOrganization();
    const queue = recordingQueue();
    await world.iam.detachBoundary(A1, { kind: 'user', name: 'alice' });

    const report = await reconcileAccounts(withQueue(world.ctx, queue, 2));

    expect(report).toMatchObject({ checked: 3, queued: 3, drifted: [] });
    expect(queue.sent.sort((a, b) => a.accountId.localeCompare(b.accountId))).toEqual([
      { accountId: A1, reason: 'reconcile', placement: { kind: 'member', ouPath: [ROOT, OU_A] } },
      { accountId: A2, reason: 'reconcile', placement: { kind: 'member', ouPath: [ROOT, OU_A] } },
      { accountId: B1, reason: 'reconcile', placement: { kind: 'member', ouPath: [ROOT, OU_B] } },
    ]);
    expect(world.iam.boundaryOf(A1, 'user', 'alice')).toBeUndefined();
    expect(world.notifier.codes()).toEqual([]);
  });

  it('Given queued reconcile items, When a worker batch applies them, Then the drifted account is repaired and the batch sends one summary naming it', async () => {
    const world = await enrolledOrganization();
    await world.iam.detachBoundary(A1, { kind: 'user', name: 'alice' });
    const snapshot = policySnapshot(world.ctx.ports.policyStore);
    const items: AccountWorkItem[] = [A1, A2].map((accountId) => ({
      accountId,
      reason: 'reconcile',
      placement: { kind: 'member', ouPath: [ROOT, OU_A] },
    }));

    const results = await Promise.all(items.map((item) => applyAccountWork(world.ctx, snapshot, item)));
    const reconciled = results.flatMap((result) => ('drift' in result ? [result] : []));
    const report = await reportReconciled(world.ctx, reconciled, { governAlways: false });

    expect(world.iam.boundaryOf(A1, 'user', 'alice')).toBeDefined();
    expect(report.drifted.map((drift) => [drift.accountId, drift.attached])).toEqual([
      [A1, [`arn:aws-cn:iam::${A1}:user/alice`]],
    ]);
    expect(world.notifier.codes()).toEqual(['DRIFT_REPAIRED']);
    expect(world.notifier.notices[0]?.accountId).toBe(A1);
  });

  it('Given a reconcile item whose account Organizations no longer holds, Then the worker closes it out as the inline run would', async () => {
    const world = await enrolledOrganization();

    const result = await applyAccountWork(world.ctx, policySnapshot(world.ctx.ports.policyStore), {
      accountId: B1,
      reason: 'reconcile',
      placement: { kind: 'gone' },
    });

    expect('drift' in result && result.drift.unreachable).toBeTruthy();
    expect(world.accounts.records.get(B1)?.status).toBe('UNREACHABLE');
  });
});
