/**
 * Governing Identity Center permission sets over the ports: what is written, provisioned and
 * reported for each kind of permission set, and the answer to an Identity Center event.
 */
import { describe, expect, it } from 'vitest';
import { governPermissionSets, respondToIdentityCenterEvent } from '#usecases/identity-center.ts';
import type { AccountRecord } from '#usecases/ports.ts';
import { FakeIdentityCenter } from '../fakes/fake-identity-center.ts';
import { makeWorld } from '../fakes/world.ts';

const A = '111111111111';
const B = '222222222222';
const OUTSIDER = '333333333333';

async function world(additional: Record<string, string[]> = {}) {
  const w = makeWorld();
  const identityCenter = new FakeIdentityCenter();
  w.ctx.ports.identityCenter = identityCenter;
  for (const accountId of [A, B])
    await w.accounts.save(
      {
        accountId,
        status: 'ACTIVE',
        additionalPolicies: (additional[accountId] ?? []).map((name) => ({
          name,
          versionId: 'v1',
          hash: 'h',
        })),
      } as unknown as AccountRecord,
      undefined,
    );
  return { ...w, identityCenter };
}

describe('governPermissionSets', () => {
  it('Given a permission set on enrolled accounts only, Then it gets our boundary and the shared additional policies by reference and is provisioned to them', async () => {
    const w = await world({ [A]: ['scp-enforce-policy-2'], [B]: ['scp-enforce-policy-2'] });
    const set = w.identityCenter.add('Developers', [A, B]);

    const reports = await governPermissionSets(w.ctx);

    expect(reports).toEqual([expect.objectContaining({ name: 'Developers', state: 'bounded' })]);
    expect(w.identityCenter.sets.get(set.arn)).toMatchObject({
      boundary: { kind: 'reference', name: 'scp-enforce-policy', path: '/' },
      customerPolicies: [{ name: 'scp-enforce-policy-2', path: '/' }],
    });
    expect(w.identityCenter.provisioned).toEqual([{ name: 'Developers', accountIds: [A, B] }]);
    expect(w.notifier.codes()).toEqual([]);
    // Governed now: the next run writes and provisions nothing.
    expect((await governPermissionSets(w.ctx))?.[0]?.state).toBe('governed');
    expect(w.identityCenter.provisioned).toHaveLength(1);
  });

  it('Given permission sets that span an account not enrolled or carry their own boundary, Then nothing is written and one notice names both', async () => {
    const w = await world();
    w.identityCenter.add('Auditors', [A, OUTSIDER]);
    w.identityCenter.add('Team', [B], {
      boundary: { kind: 'reference', name: 'team-boundary', path: '/' },
    });

    const reports = await governPermissionSets(w.ctx);

    expect(reports?.map((report) => report.state)).toEqual(['spans-unenrolled', 'own-boundary']);
    expect(w.identityCenter.provisioned).toEqual([]);
    expect(w.notifier.codes()).toEqual(['PERMISSION_SET_NOT_GOVERNED']);
    expect(w.notifier.notices[0]?.details).toEqual([
      `Auditors (enrolled ${A}) is also provisioned to accounts not enrolled: ${OUTSIDER}`,
      `Team (enrolled ${B}) has a permissions boundary of its own`,
    ]);
  });

  it('Given provisioning fails in one account, Then the permission set is failed and the notice names the account and reason', async () => {
    const w = await world();
    w.identityCenter.add('Developers', [A, B]);
    w.identityCenter.failingAccounts.set(B, 'Not supported policy scp-enforce-policy');

    const reports = await governPermissionSets(w.ctx);

    expect(reports?.[0]).toMatchObject({
      state: 'failed',
      problems: [`${B}: Not supported policy scp-enforce-policy`],
    });
    expect(w.notifier.codes()).toEqual(['PERMISSION_SET_PROVISIONING_FAILED']);
  });

  it('Given a governed permission set whose role in one account lacks our boundary, Then it is provisioned again there only', async () => {
    const w = await world();
    w.identityCenter.add('Developers', [A, B], {
      boundary: { kind: 'reference', name: 'scp-enforce-policy', path: '/' },
    });
    const unbound = `arn:aws-cn:iam::${B}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Developers_0123456789abcdef`;

    const reports = await governPermissionSets(w.ctx, { unboundRoles: [unbound] });

    expect(reports?.[0]?.state).toBe('bounded');
    expect(w.identityCenter.provisioned).toEqual([{ name: 'Developers', accountIds: [B] }]);
  });

  it('Given no Identity Center port (not governed), Then nothing is read', async () => {
    const w = makeWorld();
    expect(await governPermissionSets(w.ctx)).toBeUndefined();
  });
});

describe('respondToIdentityCenterEvent', () => {
  it('Given our boundary taken off one permission set, Then only that one is governed again and the tampering is reported', async () => {
    const w = await world();
    const loosened = w.identityCenter.add('Developers', [A]);
    w.identityCenter.add('Operators', [B]);

    const outcome = await respondToIdentityCenterEvent(w.ctx, {
      eventId: 'e-1',
      eventName: 'DeletePermissionsBoundaryFromPermissionSet',
      permissionSetArn: loosened.arn,
    });

    expect(outcome.permissionSets.map((report) => [report.name, report.state])).toEqual([
      ['Developers', 'bounded'],
    ]);
    expect(w.identityCenter.provisioned).toEqual([{ name: 'Developers', accountIds: [A] }]);
    expect(w.notifier.codes()).toEqual(['TAMPERING_DETECTED']);
    expect(w.notifier.notices[0]?.reason).toContain('DeletePermissionsBoundaryFromPermissionSet');
  });
});
