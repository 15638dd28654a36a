/**
 * Standalone accounts: only an account the deployment lists, that Organizations does not know,
 * registered under a virtual OU with a well-formed external id, is enrolled around Organizations;
 * its chain is root → virtual OU → account; the reconciler and organization events leave its place
 * to its record.
 */
import { describe, expect, it } from 'vitest';
import { AccountRefusedError, InvalidRequestError } from '#shared/errors.ts';
import { policySnapshot } from '#usecases/compile-account.ts';
import { enrollAccount } from '#usecases/enroll.ts';
import { followAccount } from '#usecases/follow-account.ts';
import { reconcileAccounts } from '#usecases/reconcile.ts';
import { ALLOW_ALL_DENY, addMemberAccount, makeWorld, OU_A, ROOT } from '../fakes/world.ts';

const PARTNER = '210987654321';
const MEMBER = '111111111111';
const VIRTUAL_OU = 'vou-partners';
const OUR_POLICY = `arn:aws-cn:iam::${PARTNER}:policy/scp-enforce-policy`;

function standaloneWorld(listed = [PARTNER]) {
  const world = makeWorld({ standaloneAccountIds: listed });
  // An organization with one member elsewhere; the partner is not in it.
  addMemberAccount(world, MEMBER, [ROOT, OU_A]);
  for (const role of ['scp-alt-standalone-access', 'partner-deployer'])
    world.iam.addPrincipal(PARTNER, 'role', role);
  world.iam.addPrincipal(PARTNER, 'user', 'grace');
  world.policyStore.put(`${ROOT}.json`, ALLOW_ALL_DENY('aws-portal:*'));
  world.policyStore.put(`${VIRTUAL_OU}.json`, ALLOW_ALL_DENY('s3:DeleteBucket'));
  return world;
}

const enrollPartner = (
  world: ReturnType<typeof makeWorld>,
  overrides: { ouId?: string; externalId?: string } = {},
) =>
  enrollAccount(world.ctx, {
    accountId: PARTNER,
    ouId: overrides.ouId ?? VIRTUAL_OU,
    createCloudTrail: false,
    standalone: { externalId: overrides.externalId ?? 'partner-secret' },
    enrolledBy: 'cli',
  });

describe('enrolling a standalone account', () => {
  it('Given a listed account outside the organization, Then root and virtual OU files apply and all but its access role carry the boundary', async () => {
    const world = standaloneWorld();

    const result = await enrollPartner(world);

    expect(result.ouPath).toEqual([ROOT, VIRTUAL_OU]);
    expect(world.iam.boundaryOf(PARTNER, 'role', 'partner-deployer')).toBe(OUR_POLICY);
    expect(world.iam.boundaryOf(PARTNER, 'user', 'grace')).toBe(OUR_POLICY);
    expect(world.iam.boundaryOf(PARTNER, 'role', 'scp-alt-standalone-access')).toBeUndefined();
    expect(JSON.stringify(world.iam.currentDocument(PARTNER))).toContain('s3:DeleteBucket');
    expect(world.accounts.records.get(PARTNER)).toMatchObject({
      status: 'ACTIVE',
      kind: 'standalone',
      externalId: 'partner-secret',
      ouPath: [ROOT, VIRTUAL_OU],
      policyFileKeys: [
        `permission-boundary-policy/${ROOT}.json`,
        `permission-boundary-policy/${VIRTUAL_OU}.json`,
      ],
    });
  });

  type Given = { listed?: string[]; ouId?: string; externalId?: string };
  it.each<[string, Given, new (...args: never[]) => Error, string]>([
    [
      'an account the deployment does not list',
      { listed: [] as string[] },
      AccountRefusedError,
      'StandaloneAccountIds',
    ],
    ['an OU of the organization instead of a virtual OU', { ouId: OU_A }, InvalidRequestError, 'virtual OU'],
    ['an external id STS would not take', { externalId: 'x' }, InvalidRequestError, 'ExternalId'],
  ])('Given %s, Then it is refused before any record or IAM call', async (_, given, type, words) => {
    const world = standaloneWorld(given.listed ?? [PARTNER]);

    const enrolling = enrollPartner(world, given);

    await expect(enrolling).rejects.toBeInstanceOf(type);
    await expect(enrolling).rejects.toThrow(words);
    expect(world.accounts.records.has(PARTNER)).toBe(false);
    expect(world.iam.calls).toEqual([]);
  });

  it('Given a member of the organization listed as standalone, Then it is refused: members are enrolled through their OU', async () => {
    const world = standaloneWorld([PARTNER, MEMBER]);

    const enrolling = enrollAccount(world.ctx, {
      accountId: MEMBER,
      ouId: VIRTUAL_OU,
      createCloudTrail: false,
      standalone: { externalId: 'partner-secret' },
    });

    await expect(enrolling).rejects.toThrow('is in the organization');
    expect(world.accounts.records.has(MEMBER)).toBe(false);
  });

  it('Given a member registered under a virtual OU without an external id, Then it is refused as input', async () => {
    const world = standaloneWorld();

    const enrolling = enrollAccount(world.ctx, {
      accountId: MEMBER,
      ouId: VIRTUAL_OU,
      createCloudTrail: false,
    });

    await expect(enrolling).rejects.toBeInstanceOf(InvalidRequestError);
  });
});

describe('a standalone account once enrolled', () => {
  it('When the reconciler runs, Then Organizations not knowing it is no departure: it stays ACTIVE and its drift is repaired', async () => {
    const world = standaloneWorld();
    await enrollPartner(world);
    world.iam.addPrincipal(PARTNER, 'role', 'sneaked-in');

    const report = await reconcileAccounts(world.ctx);

    expect(report.unreachable).toEqual([]);
    expect(world.accounts.records.get(PARTNER)?.status).toBe('ACTIVE');
    expect(world.iam.boundaryOf(PARTNER, 'role', 'sneaked-in')).toBe(OUR_POLICY);
  });

  it('When an organization event names it, Then it is left where its record places it', async () => {
    const world = standaloneWorld();
    await enrollPartner(world);

    const followed = await followAccount(world.ctx, policySnapshot(world.policyStore), PARTNER);

    expect(followed.action).toBe('ignored');
    expect(world.accounts.records.get(PARTNER)?.status).toBe('ACTIVE');
  });
});
