import { describe, expect, it } from 'vitest';
import { isExpiredSession, isTransientFailure } from '#runtime/aws-errors.ts';
import { RecordConflictError } from '#shared/errors.ts';
import { withAccountRetries } from '#usecases/account-retry.ts';
import { policySnapshot } from '#usecases/compile-account.ts';
import { applyPolicyChange } from '#usecases/policy-change.ts';
import { A1, A2, awsError, boundaries, documentOf, enrolledOrganization } from '../fakes/organization.ts';
import { ALLOW_ALL_DENY, makeWorld, OU_A } from '../fakes/world.ts';

describe('which failures are worth another attempt', () => {
  it.each([
    ['Throttling', true],
    ['LimitExceeded', true],
    ['ExpiredToken', true],
    ['ConcurrentModification', true],
    ['AccessDenied', false],
    ['DeleteConflict', false],
    ['MalformedPolicyDocument', false],
  ])('%s → transient %s, also when wrapped as the cause of a step error', (name, transient) => {
    expect(isTransientFailure(awsError(name))).toBe(transient);
    expect(isTransientFailure(new Error('step failed', { cause: awsError(name) }))).toBe(transient);
  });

  it('treats a lost optimistic-lock race and any 5xx as transient, an expired token as a dead session', () => {
    expect(isTransientFailure(new RecordConflictError(A1))).toBe(true);
    expect(isTransientFailure(Object.assign(new Error('boom'), { $metadata: { httpStatusCode: 503 } }))).toBe(
      true,
    );
    expect(isExpiredSession(new Error('assume', { cause: awsError('ExpiredToken') }))).toBe(true);
    expect(isExpiredSession(awsError('Throttling'))).toBe(false);
  });
});

describe('withAccountRetries', () => {
  it('retries transient failures with growing, jittered waits, then returns the result', async () => {
    const world = makeWorld();
    const waits: number[] = [];
    const ctx = {
      ...world.ctx,
      retry: {
        attempts: 4,
        baseDelayMs: 100,
        random: () => 0.5,
        sleep: async (ms: number) => void waits.push(ms),
      },
    };
    let calls = 0;
    const result = await withAccountRetries(ctx, A1, async () => {
      calls++;
      if (calls < 3) throw awsError('Throttling');
      return 'done';
    });
    expect(result).toBe('done');
    expect(waits).toEqual([50, 100]);
  });

  it('gives up at once on a permanent error, and after the last attempt on a transient one', async () => {
    const world = makeWorld();
    let calls = 0;
    const fail = (name: string) => async () => {
      calls++;
      throw awsError(name);
    };
    await expect(withAccountRetries(world.ctx, A1, fail('AccessDenied'))).rejects.toThrow('AccessDenied');
    expect(calls).toBe(1);
    calls = 0;
    await expect(withAccountRetries(world.ctx, A1, fail('Throttling'))).rejects.toThrow('Throttling');
    expect(calls).toBe(3);
  });

  it('starts no further attempt once the deadline is reached', async () => {
    const world = makeWorld();
    const ctx = { ...world.ctx, deadline: { reached: () => true, remainingMs: () => 1_000 } };
    let calls = 0;
    await expect(
      withAccountRetries(ctx, A1, async () => {
        calls++;
        throw awsError('Throttling');
      }),
    ).rejects.toThrow();
    expect(calls).toBe(1);
  });
});

describe('sync of one account under transient failures', () => {
  it('Given a throttled policy write, When the file changes, Then the account is retried and updated without any notice', async () => {
    const world = await enrolledOrganization();
    world.iam.failNext('CreatePolicyVersion', awsError('Throttling'), A1);
    world.iam.failNext('CreatePolicyVersion', awsError('LimitExceeded'), A1);
    const key = world.policyStore.put(`${OU_A}.json`, ALLOW_ALL_DENY('ec2:TerminateInstances'));

    const result = await applyPolicyChange(world.ctx, { key, eventKind: 'created' });

    expect(result.accounts.map((a) => [a.accountId, a.outcome]).sort()).toEqual([
      [A1, 'updated'],
      [A2, 'updated'],
    ]);
    expect(documentOf(world, A1)).toContain('ec2:TerminateInstances');
    expect(world.notifier.notices).toEqual([]);
  });

  it('Given the throttling outlasts every attempt, Then the account is FAILED and notified, and its boundary is untouched', async () => {
    const world = await enrolledOrganization();
    const before = { document: documentOf(world, A1), principals: boundaries(world, A1) };
    for (let i = 0; i < 3; i++) world.iam.failNext('CreatePolicyVersion', awsError('Throttling'), A1);
    const key = world.policyStore.put(`${OU_A}.json`, ALLOW_ALL_DENY('ec2:TerminateInstances'));

    const result = await applyPolicyChange(world.ctx, { key, eventKind: 'created' });

    expect(result.accounts.find((a) => a.accountId === A1)).toMatchObject({ outcome: 'failed' });
    expect(documentOf(world, A1)).toBe(before.document);
    expect(boundaries(world, A1)).toEqual(before.principals);
    expect(world.accounts.records.get(A1)).toMatchObject({ status: 'FAILED' });
    expect(world.notifier.notices).toEqual([
      expect.objectContaining({
        accountId: A1,
        file: key,
        step: 'write-policy',
        reason: expect.stringContaining('Throttling'),
      }),
    ]);
  });

  it('forgets a failed S3 read, so the retry reads the file again instead of the cached failure', async () => {
    const world = makeWorld();
    const key = world.policyStore.put(`${OU_A}.json`, ALLOW_ALL_DENY('s3:DeleteBucket'));
    let reads = 0;
    world.policyStore.beforeRead = () => {
      if (++reads === 1) throw awsError('SlowDown');
    };
    const snapshot = policySnapshot(world.policyStore);
    await expect(snapshot.read(key)).rejects.toThrow('SlowDown');
    expect((await snapshot.read(key))?.key).toBe(key);
  });
});
