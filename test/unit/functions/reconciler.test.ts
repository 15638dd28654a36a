import { describe, expect, it } from 'vitest';
import { FUNCTION_NAMES, FUNCTION_PERMISSIONS } from '#functions/permissions.ts';
import { makeHandler } from '#functions/reconciler.ts';
import { enrollAccount } from '#usecases/enroll.ts';
import {
  ALLOW_ALL_DENY,
  addMemberAccount,
  lambdaContext,
  makeWorld,
  OU_A,
  ROOT,
  silentLogger,
} from '../fakes/world.ts';

describe('reconciler handler', () => {
  it('re-attaches a removed boundary on schedule', async () => {
    const world = makeWorld();
    addMemberAccount(world, '111111111111', [ROOT, OU_A]);
    world.policyStore.put(`${ROOT}.json`, ALLOW_ALL_DENY('s3:DeleteBucket'));
    await enrollAccount(world.ctx, { accountId: '111111111111', ouId: OU_A, createCloudTrail: false });
    await world.iam.detachBoundary('111111111111', { kind: 'role', name: 'app-role' });
    const report = await makeHandler({ ctx: world.ctx, logger: silentLogger() })({}, lambdaContext());
    expect(report.drifted[0]?.attached).toEqual(['arn:aws-cn:iam::111111111111:role/app-role']);
  });
});

describe('function permissions table', () => {
  it('lists, for every function, the assume-role hops and only IAM-style action names', () => {
    for (const name of FUNCTION_NAMES) {
      const permissions = FUNCTION_PERMISSIONS[name];
      expect(permissions.own).toContain('sts:AssumeRole');
      expect(permissions.management).toContain('sts:AssumeRole');
      for (const action of [...permissions.own, ...permissions.management, ...permissions.member]) {
        expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
      }
    }
    expect(FUNCTION_PERMISSIONS['account-register'].management).toContain('organizations:ListParents');
    expect(FUNCTION_PERMISSIONS['iam-event-dispatcher'].member).toEqual(
      expect.arrayContaining(['iam:GetRole', 'iam:PutRolePermissionsBoundary']),
    );
  });
});
