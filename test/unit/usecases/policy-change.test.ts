import { describe, expect, it } from 'vitest';
import { applyPolicyChange } from '#usecases/policy-change.ts';
import { A1, A2, B1, documentOf, enrolledOrganization } from '../fakes/organization.ts';
import { ALLOW_ALL_DENY, OU_A, OU_B, ROOT } from '../fakes/world.ts';

/** Three enrolled accounts: A1 and A2 under OU_A, B1 under OU_B; a root policy applies to all. */
const organization = enrolledOrganization;

describe('applyPolicyChange', () => {
  it('Given an OU file is uploaded, Then exactly the accounts below that OU get one new policy version', async () => {
    const world = await organization();
    const key = world.policyStore.put(`${OU_A}.json`, ALLOW_ALL_DENY('ec2:TerminateInstances'));
    const result = await applyPolicyChange(world.ctx, { key, eventKind: 'created' });

    expect(result.accounts.map((a) => [a.accountId, a.outcome]).sort()).toEqual([
      [A1, 'updated'],
      [A2, 'updated'],
    ]);
    expect(documentOf(world, A1)).toContain('ec2:TerminateInstances');
    expect(documentOf(world, B1)).not.toContain('ec2:TerminateInstances');
    expect(world.iam.callsTo(A1, 'CreatePolicyVersion')).toHaveLength(1);
    expect(world.iam.writes(B1)).toEqual([]);
    expect(world.accounts.records.get(A1)).toMatchObject({
      status: 'ACTIVE',
      boundaryVersionId: 'v2',
      policyFileKeys: [`permission-boundary-policy/${ROOT}.json`, `permission-boundary-policy/${OU_A}.json`],
    });
  });

  it('Given the compiled policy did not change, Then the account is skipped without any IAM write', async () => {
    const world = await organization();
    // Same content uploaded again (a new S3 version with identical JSON).
    const key = world.policyStore.put(`${ROOT}.json`, ALLOW_ALL_DENY('organizations:LeaveOrganization'));
    const result = await applyPolicyChange(world.ctx, { key, eventKind: 'created' });
    expect(result.accounts.map((a) => a.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(world.iam.writes()).toEqual([]);
  });

  it('Given an ACTIVE account, When its policy changes, Then only the policy is rewritten: principals are not listed again', async () => {
    const world = await organization();
    const key = world.policyStore.put(`${OU_B}.json`, ALLOW_ALL_DENY('ec2:TerminateInstances'));
    await applyPolicyChange(world.ctx, { key, eventKind: 'created' });
    // A new default version reaches every principal already bound to the policy; new principals are
    // the event path's job and drift the reconciler's, so a fan-out costs no principal listing.
    expect(world.iam.callsTo(B1, 'CreatePolicyVersion')).toHaveLength(1);
    expect(world.iam.callsTo(B1, 'ListRoles')).toEqual([]);
    expect(world.iam.callsTo(B1, 'ListUsers')).toEqual([]);
  });

  it('Given an ACTIVE account, When its policy changes five times, Then each change costs one record read and at most two IAM writes, never a listing', async () => {
    const world = await organization();
    const actions = [
      'ec2:DescribeVpcs',
      'ec2:DescribeSubnets',
      'ec2:DescribeImages',
      'ec2:DescribeVolumes',
      'ec2:DescribeHosts',
    ];
    for (const [round, action] of actions.entries()) {
      world.iam.calls.length = 0;
      const getsBefore = world.accounts.gets;
      const key = world.policyStore.put(`account-${B1}.json`, ALLOW_ALL_DENY(action));
      const [result] = (await applyPolicyChange(world.ctx, { key, eventKind: 'created' })).accounts;
      expect(result?.outcome).toBe('updated');
      // v1 from enrollment, then v2 … v6: once five versions exist, v(N-4) is pruned first.
      const expected = round >= 4 ? ['DeletePolicyVersion', 'CreatePolicyVersion'] : ['CreatePolicyVersion'];
      expect(world.iam.callsTo(B1).map((call) => call.api)).toEqual(expected);
      expect(world.accounts.gets - getsBefore).toBe(1);
      expect(world.iam.versionCount(B1)).toBeLessThanOrEqual(5);
      expect(world.accounts.records.get(B1)?.boundaryVersionId).toBe(`v${round + 2}`);
    }
  });

  it('Given a FAILED account, When its policy changes, Then every principal is checked again', async () => {
    const world = await organization();
    const record = world.accounts.records.get(B1)!;
    world.accounts.records.set(B1, { ...record, status: 'FAILED', lastError: 'earlier failure' });
    const key = world.policyStore.put(`${OU_B}.json`, ALLOW_ALL_DENY('ec2:TerminateInstances'));
    await applyPolicyChange(world.ctx, { key, eventKind: 'created' });
    expect(world.iam.callsTo(B1, 'ListRoles')).toHaveLength(1);
    expect(world.accounts.records.get(B1)?.status).toBe('ACTIVE');
  });

  it('Given a broken file, Then no account is touched and one notice names the file, the statement and the rule', async () => {
    const world = await organization();
    const before = documentOf(world, A1);
    const key = world.policyStore.put(`${OU_A}.json`, {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Deny', Action: 'ec2:TerminateInstancez', Resource: '*' },
      ],
    });
    const result = await applyPolicyChange(world.ctx, { key, eventKind: 'created' });

    expect(result.rejected?.length).toBeGreaterThan(0);
    expect(result.accounts).toEqual([]);
    expect(world.iam.writes()).toEqual([]);
    expect(documentOf(world, A1)).toBe(before);
    expect(world.notifier.notices).toHaveLength(1);
    const [notice] = world.notifier.notices;
    expect(notice).toMatchObject({ code: 'POLICY_INVALID', step: 'validate', file: key });
    expect(notice?.details?.[0]).toMatch(/Statement\[1\]\.Action.*\[policy\.statement\.action\.[a-z.-]+\]/);
  });

  it('Given an OU file is deleted, Then its accounts are recompiled without it', async () => {
    const world = await organization();
    const key = world.policyStore.put(`${OU_A}.json`, ALLOW_ALL_DENY('ec2:TerminateInstances'));
    await applyPolicyChange(world.ctx, { key, eventKind: 'created' });
    world.policyStore.remove(`${OU_A}.json`);
    const result = await applyPolicyChange(world.ctx, { key, eventKind: 'removed' });
    expect(result.accounts.map((a) => a.outcome)).toEqual(['updated', 'updated']);
    expect(documentOf(world, A1)).not.toContain('ec2:TerminateInstances');
    expect(documentOf(world, A1)).toContain('organizations:LeaveOrganization');
  });

  it('Given the last applicable file is deleted, Then the boundary stays in place, the account is FAILED and the operator told', async () => {
    const world = await organization();
    const before = documentOf(world, A1);
    const key = world.policyStore.remove(`${ROOT}.json`);
    const result = await applyPolicyChange(world.ctx, { key, eventKind: 'removed' });

    expect(result.accounts.map((a) => a.outcome)).toEqual(['failed', 'failed', 'failed']);
    expect(documentOf(world, A1)).toBe(before);
    expect(world.iam.boundaryOf(A1, 'role', 'app-role')).toBeDefined();
    expect(world.accounts.records.get(A1)).toMatchObject({
      status: 'FAILED',
      lastError: expect.stringContaining('boundary left in place'),
    });
    expect(world.notifier.codes()).toEqual(['POLICY_MISSING', 'POLICY_MISSING', 'POLICY_MISSING']);
  });

  it('Given one account fails in IAM, Then the others are still updated and only the failure is reported', async () => {
    const world = await organization();
    world.iam.failNext(
      'CreatePolicyVersion',
      Object.assign(new Error('denied'), { name: 'AccessDenied' }),
      A2,
    );
    const key = world.policyStore.put(`${ROOT}.json`, ALLOW_ALL_DENY('iam:CreateAccessKey'));
    const result = await applyPolicyChange(world.ctx, { key, eventKind: 'created' });

    const outcomes = Object.fromEntries(result.accounts.map((a) => [a.accountId, a.outcome]));
    expect(outcomes).toEqual({ [A1]: 'updated', [A2]: 'failed', [B1]: 'updated' });
    expect(world.accounts.records.get(A2)).toMatchObject({ status: 'FAILED' });
    expect(world.notifier.notices).toEqual([
      expect.objectContaining({ code: 'ACCESS_DENIED', accountId: A2, step: 'write-policy', file: key }),
    ]);
  });

  it('Given a newer upload lands while an older one is applied, Then the newest content wins', async () => {
    const world = await organization();
    const oldKey = world.policyStore.put(`account-${A1}.json`, ALLOW_ALL_DENY('s3:PutObject'));
    let raced = false;
    world.policyStore.beforeRead = (key) => {
      if (key !== oldKey || raced) return;
      raced = true;
      // Read of the older object has started; the newer one is uploaded right after.
      queueMicrotask(() => world.policyStore.put(`account-${A1}.json`, ALLOW_ALL_DENY('s3:GetObject')));
    };
    await applyPolicyChange(world.ctx, { key: oldKey, eventKind: 'created' });
    expect(documentOf(world, A1)).toContain('s3:GetObject');
    expect(documentOf(world, A1)).not.toContain('s3:PutObject');
  });

  it('ignores keys that do not name a policy target', async () => {
    const world = await organization();
    const result = await applyPolicyChange(world.ctx, {
      key: 'permission-boundary-policy/readme.txt',
      eventKind: 'created',
    });
    expect(result.ignored).toBeDefined();
    expect(world.iam.calls).toEqual([]);
  });
});
