import { describe, expect, it } from 'vitest';
import { enrollAccount } from '#usecases/enroll.ts';
import { applyPolicyChange } from '#usecases/policy-change.ts';
import { reconcileAccounts } from '#usecases/reconcile.ts';
import { A1, boundaries, documentOf, enrolledOrganization } from '../fakes/organization.ts';
import { ALLOW_ALL_DENY, addMemberAccount, makeWorld, OU_A, ROOT } from '../fakes/world.ts';

describe('on doubt the stricter state stays', () => {
  it('Given the only file of an account is deleted, Then its boundary stays in force and the operators are told', async () => {
    const world = makeWorld();
    addMemberAccount(world, A1, [ROOT, OU_A]);
    world.policyStore.put(`account-${A1}.json`, ALLOW_ALL_DENY('s3:DeleteBucket'));
    await enrollAccount(world.ctx, { accountId: A1, ouId: OU_A, createCloudTrail: false });
    const before = { document: documentOf(world, A1), principals: boundaries(world, A1) };
    const key = world.policyStore.remove(`account-${A1}.json`);

    const result = await applyPolicyChange(world.ctx, { key, eventKind: 'removed' });

    expect(result.accounts).toEqual([
      expect.objectContaining({ accountId: A1, outcome: 'failed', code: 'POLICY_MISSING' }),
    ]);
    expect(documentOf(world, A1)).toBe(before.document);
    expect(boundaries(world, A1)).toEqual(before.principals);
    expect(world.notifier.notices.at(-1)).toMatchObject({ code: 'POLICY_MISSING', accountId: A1, file: key });
  });

  it('Given a created event whose object is gone before it is read, Then nothing older or looser is applied', async () => {
    const world = await enrolledOrganization();
    const before = documentOf(world, A1);
    const key = world.policyStore.put(`${OU_A}.json`, ALLOW_ALL_DENY('ec2:TerminateInstances'));
    world.policyStore.remove(`${OU_A}.json`);

    const result = await applyPolicyChange(world.ctx, { key, eventKind: 'created' });

    expect(result.accounts.map((a) => a.outcome)).toEqual(['unchanged', 'unchanged']);
    expect(documentOf(world, A1)).toBe(before);
  });

  it('Given a file that no longer compiles, When the reconciler finds a boundary removed by hand, Then it re-attaches the deployed boundary and reports the file', async () => {
    const world = await enrolledOrganization();
    const before = documentOf(world, A1);
    world.policyStore.put(`${OU_A}.json`, '{ "Version": "2012-10-17", "Statement": [ { "Effect": "Deny" ');
    await world.iam.detachBoundary(A1, { kind: 'user', name: 'alice' });

    const report = await reconcileAccounts(world.ctx);

    const drift = report.drifted.find((d) => d.accountId === A1);
    expect(drift?.attached).toEqual([`arn:aws-cn:iam::${A1}:user/alice`]);
    expect(drift?.problems[0]).toMatch(/POLICY_INVALID: .*ou-ab12-aaaaaaaa\.json/);
    expect(documentOf(world, A1)).toBe(before);
    expect(world.accounts.records.get(A1)?.status).toBe('FAILED');
    expect(world.notifier.codes()).toEqual(['RECONCILE_INCOMPLETE']);
  });

  it('Given a duplicate delivery of the same change, Then the second one writes nothing', async () => {
    const world = await enrolledOrganization();
    const key = world.policyStore.put(`${OU_A}.json`, ALLOW_ALL_DENY('ec2:TerminateInstances'));
    await applyPolicyChange(world.ctx, { key, eventKind: 'created' });
    world.iam.calls.length = 0;

    const again = await applyPolicyChange(world.ctx, { key, eventKind: 'created' });

    expect(again.accounts.map((a) => a.outcome)).toEqual(['unchanged', 'unchanged']);
    expect(world.iam.writes()).toEqual([]);
  });
});
