import { describe, expect, it } from 'vitest';
import { RetryLaterError } from '#shared/errors.ts';
import { applyAccountWork } from '#usecases/account-work.ts';
import { policySnapshot } from '#usecases/compile-account.ts';
import type { FlowContext } from '#usecases/flow-context.ts';
import { applyPolicyChange } from '#usecases/policy-change.ts';
import type { AccountWorkItem, AccountWorkQueuePort } from '#usecases/ports.ts';
import { A1, A2, B1, documentOf, enrolledOrganization } from '../fakes/organization.ts';
import { ALLOW_ALL_DENY, ROOT } from '../fakes/world.ts';

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

    expect([first.outcome, again.outcome]).toEqual(['updated', 'unchanged']);
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
