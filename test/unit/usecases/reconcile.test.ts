import { describe, expect, it } from 'vitest';
import { enrollAccount } from '#usecases/enroll.ts';
import { reconcileAccounts } from '#usecases/reconcile.ts';
import { ALLOW_ALL_DENY, addMemberAccount, makeWorld, OU_A, ROOT } from '../fakes/world.ts';

const ACCOUNT = '111111111111';

async function enrolled() {
  const world = makeWorld();
  addMemberAccount(world, ACCOUNT, [ROOT, OU_A]);
  world.policyStore.put(`${OU_A}.json`, ALLOW_ALL_DENY('s3:DeleteBucket'));
  await enrollAccount(world.ctx, { accountId: ACCOUNT, ouId: OU_A, createCloudTrail: false });
  world.iam.calls.length = 0;
  return world;
}

describe('reconcileAccounts', () => {
  it('reports nothing and writes nothing when reality matches', async () => {
    const world = await enrolled();
    const report = await reconcileAccounts(world.ctx);
    expect(report).toEqual({ checked: 1, drifted: [], unreachable: [] });
    expect(world.iam.writes()).toEqual([]);
    expect(world.notifier.notices).toEqual([]);
  });

  it('repairs a replaced policy version and a removed boundary, then sends one summary', async () => {
    const world = await enrolled();
    await world.iam.writeBoundaryPolicy(ACCOUNT, {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    });
    await world.iam.detachBoundary(ACCOUNT, { kind: 'user', name: 'alice' });
    const report = await reconcileAccounts(world.ctx);

    expect(report.drifted).toEqual([
      {
        accountId: ACCOUNT,
        policyRewritten: true,
        attached: [`arn:aws-cn:iam::${ACCOUNT}:user/alice`],
        problems: [],
      },
    ]);
    expect(JSON.stringify(world.iam.currentDocument(ACCOUNT))).toContain('s3:DeleteBucket');
    expect(world.iam.boundaryOf(ACCOUNT, 'user', 'alice')).toBeDefined();
    expect(world.notifier.codes()).toEqual(['DRIFT_REPAIRED']);
  });
});
