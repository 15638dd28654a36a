/**
 * Customer trails named at enrollment: checked, recorded, passed to forwarding and compiled into
 * every boundary of the account, also by later syncs and a replayed enrollment.
 */
import { describe, expect, it } from 'vitest';
import { enrollAccount } from '#usecases/enroll.ts';
import { applyPolicyChange } from '#usecases/policy-change.ts';
import { replayFailedAccounts } from '#usecases/replay.ts';
import { ALLOW_ALL_DENY, addMemberAccount, makeWorld, OU_A, ROOT, type World } from '../fakes/world.ts';

const ACCOUNT = '111111111111';
const trailArn = (name: string) => `arn:aws-cn:cloudtrail:*:${ACCOUNT}:trail/${name}`;

function memberWorld(overrides: Parameters<typeof makeWorld>[0] = {}): World {
  const world = makeWorld(overrides);
  addMemberAccount(world, ACCOUNT, [ROOT, OU_A]);
  world.policyStore.put(`${OU_A}.json`, ALLOW_ALL_DENY('s3:DeleteBucket'));
  return world;
}

const deployed = (world: World) => JSON.stringify(world.iam.currentDocument(ACCOUNT));

describe('customer trails named at enrollment', () => {
  it('Given a trail named at enrollment, Then it is recorded, handed to forwarding and protected, also after a policy change', async () => {
    const world = memberWorld();

    const result = await enrollAccount(world.ctx, {
      accountId: ACCOUNT,
      ouId: OU_A,
      createCloudTrail: false,
      protectedTrails: [' org-audit ', 'org-audit'],
    });

    expect(result.protectedTrails).toEqual(['org-audit']);
    expect(world.accounts.records.get(ACCOUNT)?.protectedTrails).toEqual(['org-audit']);
    expect(world.forwarding.active.get(ACCOUNT)).toEqual({
      createCloudTrail: false,
      protectedTrails: ['org-audit'],
    });
    expect(deployed(world)).toContain(trailArn('org-audit'));

    const key = world.policyStore.put(`${OU_A}.json`, ALLOW_ALL_DENY('ec2:TerminateInstances'));
    await applyPolicyChange(world.ctx, { key, eventKind: 'created' });

    expect(deployed(world)).toContain('ec2:TerminateInstances');
    expect(deployed(world)).toContain(trailArn('org-audit'));
  });

  it('Given none named, Then the deployment default applies; given one, it replaces the default', async () => {
    const defaulted = memberWorld({ protectedTrails: ['baseline'] });
    await enrollAccount(defaulted.ctx, { accountId: ACCOUNT, ouId: OU_A, createCloudTrail: true });
    const named = memberWorld({ protectedTrails: ['baseline'] });
    await enrollAccount(named.ctx, {
      accountId: ACCOUNT,
      ouId: OU_A,
      createCloudTrail: true,
      protectedTrails: ['own'],
    });

    expect(defaulted.accounts.records.get(ACCOUNT)?.protectedTrails).toEqual(['baseline']);
    expect(deployed(defaulted)).toContain(trailArn('baseline'));
    expect(named.accounts.records.get(ACCOUNT)?.protectedTrails).toEqual(['own']);
    expect(deployed(named)).not.toContain(trailArn('baseline'));
  });

  it("Given a malformed name or another account's trail, Then the request is refused before anything is read or written", async () => {
    const world = memberWorld();

    await expect(
      enrollAccount(world.ctx, {
        accountId: ACCOUNT,
        ouId: OU_A,
        createCloudTrail: false,
        protectedTrails: ['bad name'],
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining("'bad name' is neither"),
    });
    expect(world.iam.calls).toEqual([]);
    expect(world.accounts.records.has(ACCOUNT)).toBe(false);
  });

  it('Given an enrollment that never finished, When it is replayed, Then it keeps its trails', async () => {
    const world = memberWorld();
    await enrollAccount(world.ctx, {
      accountId: ACCOUNT,
      ouId: OU_A,
      createCloudTrail: false,
      protectedTrails: ['org-audit'],
    });
    const record = world.accounts.records.get(ACCOUNT);
    if (!record) throw new Error('no record');
    world.accounts.records.set(ACCOUNT, { ...record, status: 'FAILED', boundaryVersionId: undefined });

    await replayFailedAccounts(world.ctx, { reEnroll: true });

    expect(world.accounts.records.get(ACCOUNT)).toMatchObject({
      status: 'ACTIVE',
      protectedTrails: ['org-audit'],
    });
    expect(deployed(world)).toContain(trailArn('org-audit'));
  });
});
