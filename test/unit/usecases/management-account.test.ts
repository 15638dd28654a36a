/**
 * The management account enrolled (opt-in): its exemptions, and the refusal of a boundary that
 * would lock the organization's administrators out, at enrollment and on a later policy change.
 */
import { describe, expect, it } from 'vitest';
import { AccountRefusedError, ManagementLockoutError } from '#shared/errors.ts';
import { enrollAccount } from '#usecases/enroll.ts';
import { applyPolicyChange } from '#usecases/policy-change.ts';
import { ALLOW_ALL_DENY, MANAGEMENT_ACCOUNT, makeWorld, ROOT } from '../fakes/world.ts';

const OUR_POLICY = `arn:aws-cn:iam::${MANAGEMENT_ACCOUNT}:policy/scp-enforce-policy`;

function managementWorld(breakGlassNames: string[] = ['org-admin']) {
  const world = makeWorld({
    managementAccount: { enrollable: true, roleName: 'scp-alt-management-access', breakGlassNames },
  });
  world.organization.paths.set(MANAGEMENT_ACCOUNT, [ROOT]);
  for (const role of [
    'scp-alt-management-access',
    'AWSCloudFormationStackSetAdministrationRole',
    'platform-admin',
  ])
    world.iam.addPrincipal(MANAGEMENT_ACCOUNT, 'role', role);
  world.iam.addPrincipal(MANAGEMENT_ACCOUNT, 'user', 'finance-analyst');
  return world;
}

const enroll = (world: ReturnType<typeof makeWorld>) =>
  enrollAccount(world.ctx, { accountId: MANAGEMENT_ACCOUNT, ouId: ROOT, createCloudTrail: false });

describe('enrolling the management account', () => {
  it('Given the opt-in is off, Then it is refused and nothing in IAM is touched', async () => {
    const world = makeWorld();
    world.organization.paths.set(MANAGEMENT_ACCOUNT, [ROOT]);
    world.policyStore.put(`${ROOT}.json`, ALLOW_ALL_DENY('s3:DeleteBucket'));

    await expect(enroll(world)).rejects.toBeInstanceOf(AccountRefusedError);
    expect(world.iam.calls).toEqual([]);
  });

  it('Given the opt-in and a break-glass role, Then all but the exempt principals carry the boundary', async () => {
    const world = managementWorld();
    world.iam.addPrincipal(MANAGEMENT_ACCOUNT, 'role', 'org-admin');
    world.policyStore.put(`${ROOT}.json`, ALLOW_ALL_DENY('organizations:*'));

    await enroll(world);

    expect(world.iam.boundaryOf(MANAGEMENT_ACCOUNT, 'role', 'platform-admin')).toBe(OUR_POLICY);
    expect(world.iam.boundaryOf(MANAGEMENT_ACCOUNT, 'user', 'finance-analyst')).toBe(OUR_POLICY);
    for (const exempt of [
      'scp-alt-management-access',
      'AWSCloudFormationStackSetAdministrationRole',
      'org-admin',
    ])
      expect(world.iam.boundaryOf(MANAGEMENT_ACCOUNT, 'role', exempt), exempt).toBeUndefined();
    // The exempt principals are protected by name, scp-alt's role as the access role is elsewhere.
    const deployed = JSON.stringify(world.iam.currentDocument(MANAGEMENT_ACCOUNT));
    expect(deployed).toContain(`:role/org-admin`);
    expect(deployed).toContain(`:user/org-admin`);
    expect(deployed).toContain(':role/AWSCloudFormationStackSetAdministrationRole');
    expect(deployed).toContain(`:role/scp-alt-management-access`);
    expect(deployed).not.toContain('OrganizationAccountAccessRole');
  });

  it('Given a break-glass user rather than a role, Then it counts as the administrators way in', async () => {
    const world = managementWorld(['org-admin']);
    world.iam.addPrincipal(MANAGEMENT_ACCOUNT, 'user', 'org-admin');
    world.policyStore.put(`${ROOT}.json`, ALLOW_ALL_DENY('organizations:MoveAccount'));

    await expect(enroll(world)).resolves.toMatchObject({ accountId: MANAGEMENT_ACCOUNT });
    expect(world.iam.boundaryOf(MANAGEMENT_ACCOUNT, 'user', 'org-admin')).toBeUndefined();
  });

  it.each([
    ['no break-glass name', [] as string[]],
    ['a break-glass name that does not exist', ['org-admin']],
  ])(
    'Given %s and a boundary denying one administration action, Then enrollment is refused as a lockout before IAM is written',
    async (_, names) => {
      const world = managementWorld(names);
      world.policyStore.put(`${ROOT}.json`, ALLOW_ALL_DENY('organizations:MoveAccount'));

      await expect(enroll(world)).rejects.toBeInstanceOf(ManagementLockoutError);
      await expect(enroll(world)).rejects.toThrow('organizations:MoveAccount');
      expect(world.iam.writes(MANAGEMENT_ACCOUNT)).toEqual([]);
      expect(world.notifier.notices.map((notice) => notice.code)).toContain('MANAGEMENT_LOCKOUT');
      expect(world.accounts.records.has(MANAGEMENT_ACCOUNT)).toBe(false);
    },
  );

  it('Given WhitelistTrustCheck=refuse, Then the trusts that make its exemptions the way in are not taken for planted ones, while a whitelisted role trusting outsiders still is', async () => {
    const world = makeWorld({
      managementAccount: {
        enrollable: true,
        roleName: 'scp-alt-management-access',
        breakGlassNames: ['org-admin'],
      },
      whitelistTrustCheck: 'refuse',
    });
    world.organization.paths.set(MANAGEMENT_ACCOUNT, [ROOT]);
    world.iam.addPrincipal(MANAGEMENT_ACCOUNT, 'role', 'org-admin');
    world.policyStore.put(`${ROOT}.json`, ALLOW_ALL_DENY('s3:DeleteBucket'));
    const trusting = (principal: Record<string, string>) => ({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: principal, Action: ['sts:AssumeRole', 'sts:AssumeRoleWithSAML'] },
      ],
    });
    world.inventory.setTrust(
      MANAGEMENT_ACCOUNT,
      'AWSCloudFormationStackSetAdministrationRole',
      trusting({ Service: 'cloudformation.amazonaws.com' }),
    );
    world.inventory.setTrust(
      MANAGEMENT_ACCOUNT,
      'org-admin',
      trusting({ Federated: `arn:aws-cn:iam::${MANAGEMENT_ACCOUNT}:saml-provider/corp` }),
    );

    await expect(enroll(world)).resolves.toMatchObject({ warnings: [] });

    world.inventory.setTrust(MANAGEMENT_ACCOUNT, 'stacksets-exec-planted', trusting({ AWS: '444455556666' }));
    await expect(
      enrollAccount(world.ctx, {
        accountId: MANAGEMENT_ACCOUNT,
        ouId: ROOT,
        createCloudTrail: false,
        replaceExisting: true,
      }),
    ).rejects.toThrow('stacksets-exec-planted');
  });

  it('Given no break-glass principal but a boundary that leaves Organizations administration allowed, Then it is enrolled', async () => {
    const world = managementWorld([]);
    world.policyStore.put(`${ROOT}.json`, ALLOW_ALL_DENY('organizations:LeaveOrganization'));

    await expect(enroll(world)).resolves.toMatchObject({ accountId: MANAGEMENT_ACCOUNT });
    expect(world.iam.boundaryOf(MANAGEMENT_ACCOUNT, 'role', 'platform-admin')).toBe(OUR_POLICY);
  });

  it('Given it is enrolled without break-glass, When a policy change would deny Organizations administration, Then the change is refused there and the boundary stays as it was', async () => {
    const world = managementWorld([]);
    world.policyStore.put(`${ROOT}.json`, ALLOW_ALL_DENY('s3:DeleteBucket'));
    await enroll(world);
    const before = world.iam.currentDocument(MANAGEMENT_ACCOUNT);

    const key = world.policyStore.put(`${ROOT}.json`, ALLOW_ALL_DENY('organizations:*'));
    const result = await applyPolicyChange(world.ctx, { key, eventKind: 'created' });

    expect(JSON.stringify(result)).toContain('MANAGEMENT_LOCKOUT');
    expect(world.iam.currentDocument(MANAGEMENT_ACCOUNT)).toEqual(before);
    expect(world.accounts.records.get(MANAGEMENT_ACCOUNT)?.lastError).toContain('MANAGEMENT_LOCKOUT');
  });
});
