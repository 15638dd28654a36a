/**
 * The additional policies scp-enforce-policy-2, … as the service deploys them: created, attached to
 * every bounded principal, rewritten only when their content changes, removed when a chain shrinks
 * and at deregistration, repaired by the reconciler, attached to new principals by the IAM event
 * path; principals at their attachment quota keep the boundary and are reported by name.
 */
import { describe, expect, it } from 'vitest';
import { deregisterAccount } from '#usecases/deregister.ts';
import { enrollAccount } from '#usecases/enroll.ts';
import { createIamEventResponder } from '#usecases/iam-event.ts';
import { applyPolicyChange } from '#usecases/policy-change.ts';
import { reconcileAccounts } from '#usecases/reconcile.ts';
import {
  afterEveryWrite,
  denyStatementsInForce,
  deployedDenyStatements,
  ONE_EXTRA,
  policyArn,
  THREE_EXTRAS,
  TWO_EXTRAS,
  teamDenies,
} from '../fakes/spilling-chain.ts';
import { addMemberAccount, makeWorld, OU_A, ROOT, type World } from '../fakes/world.ts';

const ACCOUNT = '111111111111';
const BOUNDARY = 'scp-enforce-policy';
const EXTRA_2 = 'scp-enforce-policy-2';
const EXTRA_3 = 'scp-enforce-policy-3';
const EXTRA_4 = 'scp-enforce-policy-4';
const APP_ROLE = { kind: 'role', name: 'app-role' } as const;
const ALICE = { kind: 'user', name: 'alice' } as const;
const arn = (name: string) => policyArn(ACCOUNT, name);
const ouFile = `${OU_A}.json`;

async function enrolledWith(statements: number): Promise<World> {
  const world = makeWorld();
  addMemberAccount(world, ACCOUNT, [ROOT, OU_A]);
  world.policyStore.put(ouFile, teamDenies(statements));
  await enrollAccount(world.ctx, { accountId: ACCOUNT, ouId: OU_A, createCloudTrail: false });
  world.iam.calls.length = 0;
  world.notifier.notices.length = 0;
  return world;
}

async function change(world: World, name: string, statements: number, first = 0) {
  const key = world.policyStore.put(name, teamDenies(statements, first));
  return applyPolicyChange(world.ctx, { key, eventKind: 'created' });
}

const record = (world: World) => world.accounts.records.get(ACCOUNT);
const extrasOf = (world: World, holder: typeof APP_ROLE | typeof ALICE) =>
  world.iam.attachedTo(ACCOUNT, holder.kind, holder.name);

describe('enrollment with a chain that spills', () => {
  it('Given 120 Denies, When enrolled, Then every bounded principal carries the boundary and both additional policies, exempt ones nothing', async () => {
    const world = await enrolledWith(TWO_EXTRAS);

    expect(world.iam.policyNames(ACCOUNT)).toEqual([BOUNDARY, EXTRA_2, EXTRA_3]);
    for (const holder of [APP_ROLE, ALICE]) {
      expect(world.iam.boundaryOf(ACCOUNT, holder.kind, holder.name)).toBe(arn(BOUNDARY));
      expect(extrasOf(world, holder)).toEqual([arn(EXTRA_2), arn(EXTRA_3)]);
    }
    for (const exempt of ['OrganizationAccountAccessRole', 'AWSServiceRoleForSupport', 'stacksets-exec-1234'])
      expect(world.iam.attachedTo(ACCOUNT, 'role', exempt)).toEqual([]);
    // Every Deny of the chain is in force for a bounded principal.
    const inForce = denyStatementsInForce(world, ACCOUNT, APP_ROLE);
    expect([...inForce].filter((key) => key.includes('team-')).length).toBe(TWO_EXTRAS);
  });

  it('records the names, version ids and hashes it deployed, and a compiled hash that covers them', async () => {
    const world = await enrolledWith(TWO_EXTRAS);
    const saved = record(world);
    expect(saved?.status).toBe('ACTIVE');
    expect(saved?.additionalPolicies.map(({ name, versionId }) => [name, versionId])).toEqual([
      [EXTRA_2, 'v1'],
      [EXTRA_3, 'v1'],
    ]);
    expect(saved?.boundaryHash).toMatch(/^[0-9a-f]{64}$/);
    expect(saved?.compiledHash).not.toBe(saved?.boundaryHash);
  });
});

describe('an enrollment in progress', () => {
  it('Given a role created while the account enrolls, Then its event attaches the additional policies already', async () => {
    const world = makeWorld();
    addMemberAccount(world, ACCOUNT, [ROOT, OU_A]);
    world.policyStore.put(ouFile, teamDenies(TWO_EXTRAS));
    const respond = createIamEventResponder(world.ctx);
    let duringEnrollment: unknown;
    const ensureForwarding = world.forwarding.ensureForwarding.bind(world.forwarding);
    world.forwarding.ensureForwarding = async (accountId, options) => {
      await ensureForwarding(accountId, options);
      world.iam.addPrincipal(ACCOUNT, 'role', 'early-bird', { boundaryArn: arn(BOUNDARY) });
      duringEnrollment = await respond({
        eventId: 'e-0',
        eventName: 'CreateRole',
        accountId: ACCOUNT,
        source: 'aws.iam',
        senderAccountId: ACCOUNT,
        principal: { kind: 'role', name: 'early-bird' },
        actorArn: `arn:aws-cn:sts::${ACCOUNT}:assumed-role/Developer/jane`,
      });
    };

    await enrollAccount(world.ctx, { accountId: ACCOUNT, ouId: OU_A, createCloudTrail: false });

    expect(duringEnrollment).toMatchObject({ additional: { attached: [EXTRA_2, EXTRA_3], missing: [] } });
    expect(world.iam.attachedTo(ACCOUNT, 'role', 'early-bird')).toEqual([arn(EXTRA_2), arn(EXTRA_3)]);
  });
});

describe('policy changes that grow and shrink the additional policies', () => {
  it('Given one additional policy, When a root file pushes the OU statements out, Then -3 is created and attached, and no Deny of the old or new chain is ever out of force', async () => {
    const world = await enrolledWith(ONE_EXTRA);
    const before = deployedDenyStatements(world, ACCOUNT, [BOUNDARY, EXTRA_2]);
    let after = new Set<string>();
    const breaches: string[] = [];
    afterEveryWrite(world, () => {
      const inForce = denyStatementsInForce(world, ACCOUNT, APP_ROLE);
      for (const key of before) if (after.has(key) && !inForce.has(key)) breaches.push(key);
    });
    // What the new chain deploys, known before it is applied: a dry compile on a copy of the world.
    const preview = await enrolledWith(ONE_EXTRA);
    await change(preview, `${ROOT}.json`, 60, 1000);
    after = deployedDenyStatements(preview, ACCOUNT, [BOUNDARY, EXTRA_2, EXTRA_3]);

    const results = await change(world, `${ROOT}.json`, 60, 1000);

    expect(results.accounts.map((account) => account.outcome)).toEqual(['updated']);
    expect(extrasOf(world, APP_ROLE)).toEqual([arn(EXTRA_2), arn(EXTRA_3)]);
    expect(extrasOf(world, ALICE)).toEqual([arn(EXTRA_2), arn(EXTRA_3)]);
    expect(record(world)?.additionalPolicies.map((extra) => extra.name)).toEqual([EXTRA_2, EXTRA_3]);
    expect(breaches).toEqual([]);
    expect(denyStatementsInForce(world, ACCOUNT, APP_ROLE)).toEqual(after);
  });

  it('Given two additional policies, When the root file goes and the OU statements move back, Then -3 is detached from everyone and deleted, and no Deny kept by the new chain is ever out of force', async () => {
    const world = await enrolledWith(ONE_EXTRA);
    await change(world, `${ROOT}.json`, 60, 1000);
    expect(world.iam.policyNames(ACCOUNT)).toEqual([BOUNDARY, EXTRA_2, EXTRA_3]);
    const preview = await enrolledWith(ONE_EXTRA);
    const after = deployedDenyStatements(preview, ACCOUNT, [BOUNDARY, EXTRA_2]);
    const breaches: string[] = [];
    afterEveryWrite(world, () => {
      const inForce = denyStatementsInForce(world, ACCOUNT, APP_ROLE);
      for (const key of after) if (!inForce.has(key)) breaches.push(key);
    });

    const key = world.policyStore.remove(`${ROOT}.json`);
    await applyPolicyChange(world.ctx, { key, eventKind: 'removed' });

    expect(world.iam.policyNames(ACCOUNT)).toEqual([BOUNDARY, EXTRA_2]);
    expect(extrasOf(world, APP_ROLE)).toEqual([arn(EXTRA_2)]);
    expect(extrasOf(world, ALICE)).toEqual([arn(EXTRA_2)]);
    expect(record(world)?.additionalPolicies.map((extra) => extra.name)).toEqual([EXTRA_2]);
    expect(denyStatementsInForce(world, ACCOUNT, APP_ROLE)).toEqual(after);
    expect(breaches).toEqual([]);
  });

  it('Given additional policies, When the chain fits in the boundary again, Then none is left and the record says so', async () => {
    const world = await enrolledWith(TWO_EXTRAS);
    await change(world, ouFile, 5);
    expect(world.iam.policyNames(ACCOUNT)).toEqual([BOUNDARY]);
    expect(extrasOf(world, APP_ROLE)).toEqual([]);
    expect(record(world)).toMatchObject({ additionalPolicies: [], status: 'ACTIVE' });
    expect(record(world)?.compiledHash).toBe(record(world)?.boundaryHash);
  });

  it('Given an edit that only moves the last policy, Then the policies before it cost no write and no principal is listed', async () => {
    const world = await enrolledWith(TWO_EXTRAS);
    const lastBefore = world.iam.currentDocument(ACCOUNT, EXTRA_3)?.Statement.length ?? 0;
    await change(world, ouFile, TWO_EXTRAS + 5);
    const writes = world.iam.writes(ACCOUNT).map((call) => call.api);
    // The last additional policy gets one new version (its oldest kept version pruned first when
    // there are five); the boundary and -2 are untouched, and nothing is attached again.
    expect(writes).toEqual(['CreatePolicyVersion']);
    expect(world.iam.callsTo(ACCOUNT, 'ListRoles', 'ListUsers', 'ListEntitiesForPolicy')).toEqual([]);
    expect(world.iam.currentDocument(ACCOUNT, EXTRA_3)?.Statement).toHaveLength(lastBefore + 5);
  });

  it('Given a role deleted between the listing and its attach, When -3 is created, Then the change still succeeds for everyone else', async () => {
    const world = await enrolledWith(ONE_EXTRA);
    world.iam.addPrincipal(ACCOUNT, 'role', 'short-lived', { boundaryArn: arn(BOUNDARY) });
    const listPrincipals = world.iam.listPrincipals.bind(world.iam);
    world.iam.listPrincipals = async (accountId) => {
      const listed = await listPrincipals(accountId);
      world.iam.removePrincipal(ACCOUNT, 'role', 'short-lived');
      return listed;
    };

    const results = await change(world, ouFile, TWO_EXTRAS);

    expect(results.accounts.map((account) => account.outcome)).toEqual(['updated']);
    expect(extrasOf(world, APP_ROLE)).toEqual([arn(EXTRA_2), arn(EXTRA_3)]);
  });

  it('Given a policy upload that compiles to the same policies, Then no IAM call is made at all', async () => {
    const world = await enrolledWith(TWO_EXTRAS);
    await change(world, ouFile, TWO_EXTRAS);
    expect(world.iam.calls).toEqual([]);
  });
});

describe('principals at their attachment quota', () => {
  function atQuota(world: World, holder: typeof APP_ROLE, used: number): void {
    const theirs = Array.from({ length: used }, (_, index) => arn(`customer-${index}`));
    world.iam.attachAsCustomer(ACCOUNT, holder, ...theirs);
  }

  it('Given a role with 9 of its 10 slots used, When enrolled with two additional policies, Then it keeps the boundary and -2, lacks -3, is named in one notice, and the account is FAILED', async () => {
    const world = makeWorld();
    addMemberAccount(world, ACCOUNT, [ROOT, OU_A]);
    world.policyStore.put(ouFile, teamDenies(TWO_EXTRAS));
    atQuota(world, APP_ROLE, 9);

    const result = await enrollAccount(world.ctx, {
      accountId: ACCOUNT,
      ouId: OU_A,
      createCloudTrail: false,
    });

    const roleArn = `arn:aws-cn:iam::${ACCOUNT}:role/app-role`;
    expect(result.shortOfPolicies).toEqual([{ principalArn: roleArn, missing: [EXTRA_3] }]);
    expect(world.iam.boundaryOf(ACCOUNT, 'role', 'app-role')).toBe(arn(BOUNDARY));
    expect(extrasOf(world, APP_ROLE)).toContain(arn(EXTRA_2));
    expect(extrasOf(world, APP_ROLE)).not.toContain(arn(EXTRA_3));
    expect(extrasOf(world, ALICE)).toEqual([arn(EXTRA_2), arn(EXTRA_3)]);
    expect(world.notifier.codes()).toEqual(['ATTACHMENT_QUOTA_FULL']);
    expect(world.notifier.notices[0]?.details).toEqual([`${roleArn}: lacks ${EXTRA_3}`]);
    expect(record(world)?.status).toBe('FAILED');
    expect(record(world)?.lastError).toMatch(/^ATTACHMENT_QUOTA_FULL: .*role\/app-role/);
  });

  it('Given the operator freed a slot, When the reconciler runs, Then the policy is attached and the account is ACTIVE again', async () => {
    const world = makeWorld();
    addMemberAccount(world, ACCOUNT, [ROOT, OU_A]);
    world.policyStore.put(ouFile, teamDenies(ONE_EXTRA));
    atQuota(world, APP_ROLE, 10);
    await enrollAccount(world.ctx, { accountId: ACCOUNT, ouId: OU_A, createCloudTrail: false });
    expect(record(world)?.status).toBe('FAILED');

    world.iam.detachAsAdministrator(ACCOUNT, APP_ROLE, arn('customer-0'));
    const report = await reconcileAccounts(world.ctx);

    expect(extrasOf(world, APP_ROLE)).toContain(arn(EXTRA_2));
    expect(report.drifted[0]?.additional?.attached).toEqual([`arn:aws-cn:iam::${ACCOUNT}:role/app-role`]);
    expect(record(world)).toMatchObject({ status: 'ACTIVE', lastError: undefined });
  });

  it('Given a policy change creates -3 and a role is one slot short, Then the change is applied to everyone else and the role is reported', async () => {
    const world = await enrolledWith(ONE_EXTRA);
    atQuota(world, APP_ROLE, 9);

    const results = await change(world, ouFile, TWO_EXTRAS);

    expect(results.accounts[0]).toMatchObject({ outcome: 'failed', code: 'ATTACHMENT_QUOTA_FULL' });
    expect(extrasOf(world, ALICE)).toEqual([arn(EXTRA_2), arn(EXTRA_3)]);
    expect(world.iam.boundaryOf(ACCOUNT, 'role', 'app-role')).toBe(arn(BOUNDARY));
    expect(world.notifier.codes()).toEqual(['ATTACHMENT_QUOTA_FULL']);
    expect(record(world)?.additionalPolicies.map((extra) => extra.name)).toEqual([EXTRA_2, EXTRA_3]);
  });
});

describe('the IAM event path', () => {
  const createRole = (name: string, eventId: string) => ({
    eventId,
    eventName: 'CreateRole',
    accountId: ACCOUNT,
    source: 'aws.iam',
    senderAccountId: ACCOUNT,
    principal: { kind: 'role' as const, name },
    actorArn: `arn:aws-cn:sts::${ACCOUNT}:assumed-role/Developer/jane`,
  });

  it('Given a role created with our boundary, Then it gets the additional policies: one attach each, no read of who holds them', async () => {
    const world = await enrolledWith(TWO_EXTRAS);
    world.iam.addPrincipal(ACCOUNT, 'role', 'fresh', { boundaryArn: arn(BOUNDARY) });
    const respond = createIamEventResponder(world.ctx);

    const outcome = await respond(createRole('fresh', 'e-1'));

    expect(outcome).toEqual({
      action: 'principal',
      outcome: 'already-bound',
      additional: { attached: [EXTRA_2, EXTRA_3], missing: [] },
    });
    expect(world.iam.attachedTo(ACCOUNT, 'role', 'fresh')).toEqual([arn(EXTRA_2), arn(EXTRA_3)]);
    expect(world.iam.calls.map((call) => call.api)).toEqual([
      'GetRole',
      'AttachRolePolicy',
      'AttachRolePolicy',
    ]);
  });

  it('Given a new role that already holds its quota, Then it keeps the boundary, is named in a notice and the account is FAILED', async () => {
    const world = await enrolledWith(ONE_EXTRA);
    world.iam.addPrincipal(ACCOUNT, 'role', 'crowded', { boundaryArn: arn(BOUNDARY) });
    world.iam.attachAsCustomer(
      ACCOUNT,
      { kind: 'role', name: 'crowded' },
      ...Array.from({ length: 10 }, (_, index) => arn(`customer-${index}`)),
    );

    const outcome = await createIamEventResponder(world.ctx)(createRole('crowded', 'e-2'));

    expect(outcome).toMatchObject({ additional: { attached: [], missing: [EXTRA_2] } });
    expect(world.iam.boundaryOf(ACCOUNT, 'role', 'crowded')).toBe(arn(BOUNDARY));
    expect(world.notifier.codes()).toEqual(['ATTACHMENT_QUOTA_FULL']);
    expect(world.notifier.notices[0]?.reason).toContain('role/crowded');
    expect(record(world)?.status).toBe('FAILED');
  });

  it('Given an exempt principal detached -2 from a role, Then it goes back on and the operator is told who did it', async () => {
    const world = await enrolledWith(ONE_EXTRA);
    world.iam.detachAsAdministrator(ACCOUNT, APP_ROLE, arn(EXTRA_2));
    const admin = `arn:aws-cn:sts::${ACCOUNT}:assumed-role/OrganizationAccountAccessRole/someone`;

    const outcome = await createIamEventResponder(world.ctx)({
      eventId: 'e-3',
      eventName: 'DetachRolePolicy',
      accountId: ACCOUNT,
      source: 'aws.iam',
      senderAccountId: ACCOUNT,
      principal: { kind: 'role', name: 'app-role' },
      policyArn: arn(EXTRA_2),
      actorArn: admin,
    });

    expect(outcome).toEqual({ action: 'tampering', repaired: true });
    expect(extrasOf(world, APP_ROLE)).toEqual([arn(EXTRA_2)]);
    expect(world.notifier.codes()).toEqual(['TAMPERING_DETECTED']);
    expect(world.notifier.notices[0]?.reason).toBe(`DetachRolePolicy by ${admin}; ${EXTRA_2} re-attached`);
  });

  it('Given a customer policy was detached, Then nothing is done', async () => {
    const world = await enrolledWith(ONE_EXTRA);
    const outcome = await createIamEventResponder(world.ctx)({
      eventId: 'e-4',
      eventName: 'DetachRolePolicy',
      accountId: ACCOUNT,
      source: 'aws.iam',
      senderAccountId: ACCOUNT,
      principal: { kind: 'role', name: 'app-role' },
      policyArn: arn('ReadOnlyAccess'),
    });
    expect(outcome).toEqual({ action: 'ignored', reason: 'not our policy' });
    expect(world.iam.calls).toEqual([]);
  });
});

describe('reconcile and deregistration', () => {
  it('Given -2 was detached from a user and -3 got another default version, Then the reconciler re-attaches one and rewrites the other', async () => {
    const world = await enrolledWith(TWO_EXTRAS);
    world.iam.detachAsAdministrator(ACCOUNT, ALICE, arn(EXTRA_2));
    const harmless = {
      Effect: 'Deny' as const,
      Action: 'ec2:RunInstances',
      Resource: 'arn:aws-cn:ec2:*:*:nothing',
    };
    await world.iam.writeBoundaryPolicy(
      ACCOUNT,
      { Version: '2012-10-17', Statement: [harmless] },
      { policyName: EXTRA_3 },
    );

    const report = await reconcileAccounts(world.ctx);

    expect(report.drifted).toHaveLength(1);
    expect(report.drifted[0]).toMatchObject({
      policyRewritten: true,
      additional: { attached: [`arn:aws-cn:iam::${ACCOUNT}:user/alice`], removed: [] },
      problems: [],
    });
    expect(extrasOf(world, ALICE)).toEqual([arn(EXTRA_2), arn(EXTRA_3)]);
    const inForce = denyStatementsInForce(world, ACCOUNT, ALICE);
    expect([...inForce].filter((key) => key.includes('team-')).length).toBe(TWO_EXTRAS);
    expect(world.notifier.codes()).toEqual(['DRIFT_REPAIRED']);
  });

  it('Given nothing drifted, Then the reconciler reads but writes nothing', async () => {
    const world = await enrolledWith(THREE_EXTRAS);
    const report = await reconcileAccounts(world.ctx);
    expect(report.drifted).toEqual([]);
    expect(world.iam.writes()).toEqual([]);
  });

  it('Given an enrolled account with additional policies and a stray -4 of a run that died, When deregistered, Then every one is detached and deleted', async () => {
    const world = await enrolledWith(TWO_EXTRAS);
    await world.iam.writeBoundaryPolicy(ACCOUNT, teamDenies(1), { policyName: EXTRA_4 });
    await world.iam.attachPolicy(ACCOUNT, APP_ROLE, arn(EXTRA_4));

    const result = await deregisterAccount(world.ctx, ACCOUNT);

    expect(result.additionalPoliciesRemoved).toEqual([EXTRA_2, EXTRA_3, EXTRA_4]);
    expect(world.iam.policyNames(ACCOUNT)).toEqual([]);
    expect(extrasOf(world, APP_ROLE)).toEqual([]);
    expect(extrasOf(world, ALICE)).toEqual([]);
  });

  it('Given a principal with a customer boundary, Then it carries the derived policy and the additional policies beside it', async () => {
    const world = makeWorld();
    addMemberAccount(world, ACCOUNT, [ROOT, OU_A]);
    const customer = arn('Theirs');
    world.iam.putManagedPolicy(customer, {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
    });
    world.iam.addPrincipal(ACCOUNT, 'role', 'theirs', { boundaryArn: customer });
    world.policyStore.put(ouFile, teamDenies(ONE_EXTRA));

    await enrollAccount(world.ctx, { accountId: ACCOUNT, ouId: OU_A, createCloudTrail: false });

    expect(world.iam.boundaryOf(ACCOUNT, 'role', 'theirs')).toMatch(
      /policy\/scp-enforce-policy-[0-9a-f]{16}$/,
    );
    expect(world.iam.attachedTo(ACCOUNT, 'role', 'theirs')).toEqual([arn(EXTRA_2)]);
  });
});
