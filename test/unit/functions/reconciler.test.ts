import { describe, expect, it } from 'vitest';
import { FUNCTION_NAMES, FUNCTION_PERMISSIONS } from '#functions/permissions.ts';
import { makeHandler } from '#functions/reconciler.ts';
import { lambdaContext } from '../fakes/world.ts';
import { ACCOUNT, enrolledWorld, handlerDeps } from './handler-setup.ts';

describe('reconciler handler', () => {
  it('re-attaches a removed boundary on schedule', async () => {
    const world = await enrolledWorld();
    await world.iam.detachBoundary(ACCOUNT, { kind: 'role', name: 'app-role' });
    const report = await makeHandler(handlerDeps(world))({}, lambdaContext());
    expect(report.drifted[0]?.attached).toEqual([`arn:aws-cn:iam::${ACCOUNT}:role/app-role`]);
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
