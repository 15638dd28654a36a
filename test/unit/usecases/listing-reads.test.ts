/**
 * Reads tied to the listing: every file is read at the version the snapshot's listing named, so
 * a compile is exactly the listing whose time the write lease records, whatever lands meanwhile.
 */
import { describe, expect, it } from 'vitest';
import { compileForAccount, currentFingerprint, policySnapshot } from '#usecases/compile-account.ts';
import { applyPolicyChange } from '#usecases/policy-change.ts';
import { A1, documentOf, enrolledOrganization } from '../fakes/organization.ts';
import { ALLOW_ALL_DENY, OU_A, ROOT } from '../fakes/world.ts';

describe('policy snapshot reads', () => {
  it('Given a newer upload after the listing, When the account is compiled, Then it compiles the version listed', async () => {
    const world = await enrolledOrganization();
    world.policyStore.put(`${OU_A}.json`, ALLOW_ALL_DENY('ec2:DeleteVpc'));
    const snapshot = policySnapshot(world.policyStore, world.ctx.now);
    const listed = await snapshot.objects();
    world.policyStore.put(`${OU_A}.json`, ALLOW_ALL_DENY('ec2:DeleteSubnet'));

    const compiled = await compileForAccount(world.ctx, snapshot, { accountId: A1, ouPath: [ROOT, OU_A] });

    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    const text = JSON.stringify(compiled.policy);
    expect(text).toContain('ec2:DeleteVpc');
    expect(text).not.toContain('ec2:DeleteSubnet');
    // The fingerprint of what was compiled is the listing's own.
    expect(compiled.fingerprint).toBe(currentFingerprint(listed, { accountId: A1, ouPath: [ROOT, OU_A] }));
  });

  it('Given a file deleted after the listing, Then the listed version is still what is compiled', async () => {
    const world = await enrolledOrganization();
    world.policyStore.put(`${OU_A}.json`, ALLOW_ALL_DENY('ec2:DeleteVpc'));
    const snapshot = policySnapshot(world.policyStore, world.ctx.now);
    await snapshot.objects();
    world.policyStore.remove(`${OU_A}.json`);
    const compiled = await compileForAccount(world.ctx, snapshot, { accountId: A1, ouPath: [ROOT, OU_A] });
    expect(compiled.ok && JSON.stringify(compiled.policy)).toContain('ec2:DeleteVpc');
  });

  it('Given a newer upload while a change is applied, Then the older listing is written first and the newer one last', async () => {
    const world = await enrolledOrganization();
    const key = world.policyStore.put(`${OU_A}.json`, ALLOW_ALL_DENY('ec2:DeleteVpc'));
    let uploaded = false;
    world.policyStore.beforeRead = (read) => {
      if (read !== key || uploaded) return;
      uploaded = true;
      world.policyStore.put(`${OU_A}.json`, ALLOW_ALL_DENY('ec2:DeleteSubnet'));
    };
    const written: string[] = [];
    const write = world.iam.writeBoundaryPolicy.bind(world.iam);
    world.iam.writeBoundaryPolicy = async (accountId, document, options) => {
      if (accountId === A1) written.push(JSON.stringify(document));
      return write(accountId, document, options);
    };

    await applyPolicyChange(world.ctx, { key, eventKind: 'created' });

    expect(written.map((text) => (text.includes('ec2:DeleteSubnet') ? 'newer' : 'older'))).toEqual([
      'older',
      'newer',
    ]);
    expect(documentOf(world, A1)).toContain('ec2:DeleteSubnet');
  });
});

describe('a policy change that can never be read', () => {
  it('Given access denied on the store, Then it is reported once and returned as failed, not thrown', async () => {
    const world = await enrolledOrganization();
    world.ctx.ports.policyStore.listPolicyObjects = async () => {
      throw Object.assign(new Error('not authorized to list'), { name: 'AccessDenied' });
    };
    const key = `permission-boundary-policy/${OU_A}.json`;
    const result = await applyPolicyChange(world.ctx, { key, eventKind: 'created' });
    expect(result).toMatchObject({ key, failed: { code: 'ACCESS_DENIED' }, accounts: [] });
    expect(world.notifier.codes()).toEqual(['ACCESS_DENIED']);
    expect(world.iam.writes()).toEqual([]);
  });

  it('Given S3 slowing down, Then it is rethrown so the event is delivered again', async () => {
    const world = await enrolledOrganization();
    world.ctx.ports.policyStore.listPolicyObjects = async () => {
      throw Object.assign(new Error('slow down'), { name: 'SlowDown' });
    };
    const key = `permission-boundary-policy/${OU_A}.json`;
    await expect(applyPolicyChange(world.ctx, { key, eventKind: 'created' })).rejects.toMatchObject({
      name: 'SlowDown',
    });
  });
});
