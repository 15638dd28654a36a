/**
 * One writer per account, and never an older listing of the policy files over a newer one: two
 * invocations that compiled an account from different listings must not both write, in any order.
 */
import { describe, expect, it } from 'vitest';
import { WriteLeaseBusyError } from '#shared/errors.ts';
import { policySnapshot } from '#usecases/compile-account.ts';
import { syncAccount } from '#usecases/sync-account.ts';
import { acquireWriteLease, WRITE_LEASE_MS } from '#usecases/write-lease.ts';
import { B1, enrolledOrganization } from '../fakes/organization.ts';
import { ALLOW_ALL_DENY, OU_B } from '../fakes/world.ts';

const NOW = new Date('2026-03-01T12:00:00Z').getTime();
const always = () => true;

describe('acquireWriteLease', () => {
  it('Given another invocation holds the lease, When it gives it back, Then the waiting writer takes it', async () => {
    const world = await enrolledOrganization();
    const record = world.accounts.records.get(B1)!;
    world.accounts.records.set(B1, { ...record, writeLease: { owner: 'other', untilMs: NOW + 60_000 } });
    let waits = 0;
    world.ctx.retry = {
      sleep: async () => {
        waits++;
        const held = world.accounts.records.get(B1)!;
        world.accounts.records.set(B1, { ...held, writeLease: undefined, revision: held.revision + 1 });
      },
    };
    const outcome = await acquireWriteLease(world.ctx, world.accounts.records.get(B1)!, {
      owner: 'me',
      listedAtMs: NOW,
      stillNeeded: always,
    });
    expect(waits).toBe(1);
    expect(outcome.held).toBe(true);
    expect(world.accounts.records.get(B1)?.writeLease).toEqual({
      owner: 'me',
      untilMs: NOW + WRITE_LEASE_MS,
    });
  });

  it('Given the deployed boundary comes from a newer listing, Then there is nothing to write', async () => {
    const world = await enrolledOrganization();
    const record = world.accounts.records.get(B1)!;
    world.accounts.records.set(B1, { ...record, appliedListedAtMs: NOW + 5 });
    const outcome = await acquireWriteLease(world.ctx, world.accounts.records.get(B1)!, {
      owner: 'me',
      listedAtMs: NOW,
      stillNeeded: always,
    });
    expect(outcome).toMatchObject({ held: false, reason: 'superseded' });
    expect(world.accounts.records.get(B1)?.writeLease).toBeUndefined();
  });

  it('Given a lease whose holder died (expired), Then it is taken over', async () => {
    const world = await enrolledOrganization();
    const record = world.accounts.records.get(B1)!;
    world.accounts.records.set(B1, { ...record, writeLease: { owner: 'dead', untilMs: NOW - 1 } });
    const outcome = await acquireWriteLease(world.ctx, world.accounts.records.get(B1)!, {
      owner: 'me',
      listedAtMs: NOW,
      stillNeeded: always,
    });
    expect(outcome.held).toBe(true);
  });

  it('Given the lease stays taken until the deadline, Then the writer gives up with WRITE_LEASE_BUSY', async () => {
    const world = await enrolledOrganization();
    const record = world.accounts.records.get(B1)!;
    world.accounts.records.set(B1, { ...record, writeLease: { owner: 'other', untilMs: NOW + 60_000 } });
    world.ctx.deadline = { reached: () => true, remainingMs: () => 1_000 };
    await expect(
      acquireWriteLease(world.ctx, world.accounts.records.get(B1)!, {
        owner: 'me',
        listedAtMs: NOW,
        stillNeeded: always,
      }),
    ).rejects.toBeInstanceOf(WriteLeaseBusyError);
  });
});

describe('syncAccount under the write lease', () => {
  it('writes nothing, and says why, when a newer listing was applied while this invocation compiled', async () => {
    const world = await enrolledOrganization();
    world.policyStore.put(`${OU_B}.json`, ALLOW_ALL_DENY('ec2:TerminateInstances'));
    const olderSnapshot = policySnapshot(world.policyStore, () => new Date(NOW));
    await olderSnapshot.objects();
    // Meanwhile a newer invocation listed later and deployed its boundary.
    const record = world.accounts.records.get(B1)!;
    world.accounts.records.set(B1, {
      ...record,
      appliedListedAtMs: NOW + 1_000,
      revision: record.revision + 1,
    });
    world.iam.calls.length = 0;

    const result = await syncAccount(world.ctx, olderSnapshot, B1);

    expect(result).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('newer listing') });
    expect(world.iam.writes(B1)).toEqual([]);
  });

  it('gives the lease back and records the listing time with the final save of a write', async () => {
    const world = await enrolledOrganization();
    world.policyStore.put(`${OU_B}.json`, ALLOW_ALL_DENY('ec2:TerminateInstances'));
    const result = await syncAccount(
      world.ctx,
      policySnapshot(world.policyStore, () => new Date(NOW + 7)),
      B1,
    );
    expect(result.outcome).toBe('updated');
    expect(world.accounts.records.get(B1)).toMatchObject({
      writeLease: undefined,
      appliedListedAtMs: NOW + 7,
    });
  });

  it('Given the policy write fails, Then the lease is given back for the retry or the next writer', async () => {
    const world = await enrolledOrganization();
    world.ctx.retry = { sleep: async () => {}, attempts: 1 };
    world.policyStore.put(`${OU_B}.json`, ALLOW_ALL_DENY('ec2:TerminateInstances'));
    world.iam.failNext(
      'CreatePolicyVersion',
      Object.assign(new Error('denied'), { name: 'AccessDenied' }),
      B1,
    );
    const result = await syncAccount(world.ctx, policySnapshot(world.policyStore), B1);
    expect(result.outcome).toBe('failed');
    expect(world.accounts.records.get(B1)?.writeLease).toBeUndefined();
  });
});
