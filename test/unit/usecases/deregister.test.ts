import { describe, expect, it } from 'vitest';
import { deregisterAccount } from '#usecases/deregister.ts';
import { enrollAccount } from '#usecases/enroll.ts';
import { memberRoleRefusal } from '../fakes/organization.ts';
import { ALLOW_ALL_DENY, addMemberAccount, makeWorld, OU_A, ROOT, SECURITY_ACCOUNT } from '../fakes/world.ts';

const ACCOUNT = '111111111111';

async function enrolled() {
  const world = makeWorld();
  addMemberAccount(world, ACCOUNT, [ROOT, OU_A]);
  world.policyStore.put(`${OU_A}.json`, ALLOW_ALL_DENY('s3:DeleteBucket'));
  await enrollAccount(world.ctx, { accountId: ACCOUNT, ouId: OU_A, createCloudTrail: true });
  return world;
}

describe('deregisterAccount', () => {
  it('removes our boundary from every principal, the policy, the forwarding and the record', async () => {
    const world = await enrolled();
    const result = await deregisterAccount(world.ctx, ACCOUNT);
    expect(result).toEqual({ accountId: ACCOUNT, removed: true, detached: 2, additionalPoliciesRemoved: [] });
    expect(world.iam.boundaryOf(ACCOUNT, 'role', 'app-role')).toBeUndefined();
    expect(world.iam.boundaryOf(ACCOUNT, 'user', 'alice')).toBeUndefined();
    expect(world.iam.currentDocument(ACCOUNT)).toBeUndefined();
    expect(world.forwarding.active.has(ACCOUNT)).toBe(false);
    expect(world.accounts.records.has(ACCOUNT)).toBe(false);
  });

  it('works when the policy file is gone', async () => {
    const world = await enrolled();
    world.policyStore.remove(`${OU_A}.json`);
    await expect(deregisterAccount(world.ctx, ACCOUNT)).resolves.toMatchObject({ removed: true });
    expect(world.iam.currentDocument(ACCOUNT)).toBeUndefined();
  });

  it('never removes a customer boundary', async () => {
    const world = await enrolled();
    const customer = `arn:aws-cn:iam::${ACCOUNT}:policy/Theirs`;
    world.iam.addPrincipal(ACCOUNT, 'role', 'their-role', { boundaryArn: customer });
    await deregisterAccount(world.ctx, ACCOUNT);
    expect(world.iam.boundaryOf(ACCOUNT, 'role', 'their-role')).toBe(customer);
  });

  it('cleans up an account that was never fully enrolled (no record, no policy)', async () => {
    const world = makeWorld();
    addMemberAccount(world, ACCOUNT, [ROOT, OU_A]);
    await expect(deregisterAccount(world.ctx, ACCOUNT)).resolves.toMatchObject({
      removed: true,
      detached: 0,
    });
  });

  it('does nothing for the security account', async () => {
    const world = makeWorld();
    await expect(deregisterAccount(world.ctx, SECURITY_ACCOUNT)).resolves.toMatchObject({ removed: false });
    expect(world.iam.calls).toEqual([]);
  });

  it('on an IAM failure keeps the record (FAILED), notifies and rethrows', async () => {
    const world = await enrolled();
    world.iam.failNext(
      'DeleteRolePermissionsBoundary',
      Object.assign(new Error('denied'), { name: 'AccessDenied' }),
    );
    await expect(deregisterAccount(world.ctx, ACCOUNT)).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    expect(world.accounts.records.get(ACCOUNT)?.status).toBe('FAILED');
    expect(world.notifier.notices.at(-1)).toMatchObject({ step: 'detach-boundaries', accountId: ACCOUNT });
  });
});

describe('deregisterAccount --force', () => {
  it('Given an account whose role chain refuses us, Then without force it fails and keeps the record FAILED', async () => {
    const world = await enrolled();
    world.iam.refusing.set(ACCOUNT, memberRoleRefusal(ACCOUNT));
    await expect(deregisterAccount(world.ctx, ACCOUNT)).rejects.toMatchObject({ code: 'ASSUME_ROLE_FAILED' });
    expect(world.accounts.records.get(ACCOUNT)?.status).toBe('FAILED');
  });

  it('Given the same account, Then --force removes the record and says what it could not clean up, once', async () => {
    const world = await enrolled();
    world.iam.refusing.set(ACCOUNT, memberRoleRefusal(ACCOUNT));
    world.notifier.notices.length = 0;

    const result = await deregisterAccount(world.ctx, ACCOUNT, { force: true });

    expect(result).toMatchObject({ accountId: ACCOUNT, removed: true, detached: 0 });
    expect(result.leftBehind?.reason).toContain(
      `assume arn:aws-cn:iam::${ACCOUNT}:role/OrganizationAccountAccessRole failed`,
    );
    expect(result.leftBehind?.items).toEqual([
      `arn:aws-cn:iam::${ACCOUNT}:policy/scp-enforce-policy as the permissions boundary of its users and roles`,
      'the event forwarding rule scp-event-rule and role scp-event-rule',
      'the trail scp-trail and its bucket',
    ]);
    expect(world.accounts.records.has(ACCOUNT)).toBe(false);
    expect(world.notifier.codes()).toEqual(['CLEANUP_INCOMPLETE']);
  });

  it('cleans up as usual when the account can be reached', async () => {
    const world = await enrolled();
    const result = await deregisterAccount(world.ctx, ACCOUNT, { force: true });
    expect(result).toEqual({ accountId: ACCOUNT, removed: true, detached: 2, additionalPoliciesRemoved: [] });
    expect(world.iam.currentDocument(ACCOUNT)).toBeUndefined();
  });
});
