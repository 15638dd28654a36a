/**
 * The organization-event path: moves recompile within one event, departures
 * and closures close the record out with one notice, arrivals in auto-enroll OUs are enrolled, and
 * duplicate or late events change nothing more.
 */
import { describe, expect, it } from 'vitest';
import { enrollAccount } from '#usecases/enroll.ts';
import { createOrganizationEventResponder, type OrganizationEvent } from '#usecases/organization-event.ts';
import { A1, A2, B1, documentOf, enrolledOrganization } from '../fakes/organization.ts';
import { ALLOW_ALL_DENY, addMemberAccount, OU_A, OU_B, ROOT, type World } from '../fakes/world.ts';

const NEW_ACCOUNT = '444444444444';
let eventCount = 0;
const event = (eventName: string, ...accountIds: string[]): OrganizationEvent => ({
  eventId: `event-${++eventCount}`,
  eventName,
  accountIds,
});

/** The enrolled organization, with OU_B holding a file of its own. */
async function organization(): Promise<World> {
  const world = await enrolledOrganization();
  world.policyStore.put(`${OU_B}.json`, ALLOW_ALL_DENY('ec2:TerminateInstances'));
  return world;
}

const withArrivals = (world: World, targets: string[], movedOut: 'keep' | 'deregister' = 'keep') => {
  world.ctx.settings.arrivals = { targets, movedOut, createCloudTrail: false };
};

describe('moves', () => {
  it('Given an enrolled account moved to another OU, When its MoveAccount event arrives, Then its boundary and record follow within that event', async () => {
    const world = await organization();
    world.organization.move(A1, [ROOT, OU_B]);
    const respond = createOrganizationEventResponder(world.ctx);

    const outcome = await respond(event('MoveAccount', A1));

    expect(outcome.accounts).toEqual([
      { accountId: A1, action: 'moved', from: [ROOT, OU_A], to: [ROOT, OU_B] },
    ]);
    expect(documentOf(world, A1)).toContain('ec2:TerminateInstances');
    expect(world.accounts.records.get(A1)).toMatchObject({
      status: 'ACTIVE',
      ouId: OU_B,
      ouPath: [ROOT, OU_B],
      policyFileKeys: [`permission-boundary-policy/${ROOT}.json`, `permission-boundary-policy/${OU_B}.json`],
    });
    expect(world.notifier.notices).toEqual([]);
    // Only the moved account was touched.
    expect(world.iam.writes(A2)).toEqual([]);
  });

  it('Given the same event twice and a late event for an earlier move, Then nothing more is written', async () => {
    const world = await organization();
    const respond = createOrganizationEventResponder(world.ctx);
    world.organization.move(A1, [ROOT, OU_B]);
    await respond(event('MoveAccount', A1));
    const versions = world.iam.versionCount(A1);

    const duplicate = await respond(event('MoveAccount', A1));
    const late = await respond(event('MoveAccount', A1));

    expect(duplicate.accounts[0]?.action).toBe('unchanged');
    expect(late.accounts[0]?.action).toBe('unchanged');
    expect(world.iam.versionCount(A1)).toBe(versions);
    expect(world.notifier.notices).toEqual([]);
  });

  it('Given a move between OUs that compile alike, Then the record follows without a new policy version', async () => {
    const world = await enrolledOrganization();
    const respond = createOrganizationEventResponder(world.ctx);
    world.organization.move(A1, [ROOT, OU_B]);
    const versions = world.iam.versionCount(A1);

    const outcome = await respond(event('MoveAccount', A1));

    expect(outcome.accounts[0]?.action).toBe('moved');
    expect(world.iam.versionCount(A1)).toBe(versions);
    expect(world.accounts.records.get(A1)?.ouPath).toEqual([ROOT, OU_B]);
  });

  it('Given an enrollment still running, Then the event asks to be delivered again rather than skip the move', async () => {
    const world = await organization();
    const record = world.accounts.records.get(A1);
    if (record) record.status = 'ENROLLING';
    world.organization.move(A1, [ROOT, OU_B]);
    const outcome = await createOrganizationEventResponder(world.ctx)(event('MoveAccount', A1));
    expect(outcome.retryLater).toEqual([A1]);
    expect(world.iam.writes(A1)).toEqual([]);
  });
});

describe('departures', () => {
  it.each([
    [
      'RemoveAccountFromOrganization',
      (world: World) => world.organization.paths.delete(B1),
      'no longer in the organization (removed, left or never a member)',
    ],
    [
      'CloseAccount',
      (world: World) => world.organization.states.set(B1, 'SUSPENDED'),
      'closed in Organizations (state SUSPENDED)',
    ],
    [
      'CloseAccountResult',
      (world: World) => world.organization.states.set(B1, 'CLOSED'),
      'closed in Organizations (state CLOSED)',
    ],
  ])(
    '%s: the record is closed out as UNREACHABLE, one notice names what may be left, and nothing touches the account',
    async (eventName, depart, reason) => {
      const world = await organization();
      depart(world);
      const respond = createOrganizationEventResponder(world.ctx);

      const first = await respond(event(eventName, B1));
      const again = await respond(event(eventName, B1));

      expect(first.accounts[0]).toMatchObject({ action: 'closed-out', reason });
      expect(again.accounts[0]?.action).toBe('unchanged');
      expect(world.accounts.records.get(B1)).toMatchObject({ status: 'UNREACHABLE', lastError: reason });
      expect(world.notifier.notices).toHaveLength(1);
      expect(world.notifier.notices[0]).toMatchObject({ code: 'ACCOUNT_UNREACHABLE', accountId: B1 });
      expect(world.notifier.notices[0]?.details?.join('\n')).toContain(
        `arn:aws-cn:iam::${B1}:policy/scp-enforce-policy as the permissions boundary`,
      );
      expect(world.iam.callsTo(B1)).toEqual([]);
    },
  );

  it('Given a closed-out account that comes back to the organization, Then it is enrolled again', async () => {
    const world = await organization();
    world.organization.paths.delete(B1);
    const respond = createOrganizationEventResponder(world.ctx);
    await respond(event('RemoveAccountFromOrganization', B1));
    world.organization.paths.set(B1, [ROOT, OU_A]);

    const outcome = await respond(event('AcceptHandshake', B1));

    expect(outcome.accounts[0]).toMatchObject({ action: 'enrolled', to: [ROOT, OU_A] });
    expect(world.accounts.records.get(B1)).toMatchObject({ status: 'ACTIVE', ouPath: [ROOT, OU_A] });
  });
});

describe('arrivals', () => {
  it('Given no auto-enroll setting, Then an account that is not enrolled is left alone', async () => {
    const world = await organization();
    addMemberAccount(world, NEW_ACCOUNT, [ROOT, OU_B]);
    const outcome = await createOrganizationEventResponder(world.ctx)(
      event('CreateAccountResult', NEW_ACCOUNT),
    );
    expect(outcome.accounts[0]).toMatchObject({ action: 'ignored', reason: 'not enrolled' });
    expect(world.accounts.records.has(NEW_ACCOUNT)).toBe(false);
  });

  it('Given OU_B set to auto-enroll, When an account is created in it, Then it is enrolled by the automatic path with one notice', async () => {
    const world = await organization();
    withArrivals(world, [OU_B]);
    addMemberAccount(world, NEW_ACCOUNT, [ROOT, OU_B]);

    const outcome = await createOrganizationEventResponder(world.ctx)(
      event('CreateAccountResult', NEW_ACCOUNT),
    );

    expect(outcome.accounts[0]).toMatchObject({ action: 'enrolled', to: [ROOT, OU_B] });
    expect(world.accounts.records.get(NEW_ACCOUNT)).toMatchObject({
      status: 'ACTIVE',
      enrolledBy: 'auto',
      ouId: OU_B,
      ouPath: [ROOT, OU_B],
    });
    expect(documentOf(world, NEW_ACCOUNT)).toContain('ec2:TerminateInstances');
    expect(world.forwarding.active.get(NEW_ACCOUNT)).toEqual({ createCloudTrail: false });
    expect(world.notifier.codes()).toEqual(['ACCOUNT_AUTO_ENROLLED']);
  });

  it('Given duplicates of one arrival in one batch, Then the account is enrolled once and no failure is reported', async () => {
    const world = await organization();
    withArrivals(world, [OU_B]);
    addMemberAccount(world, NEW_ACCOUNT, [ROOT, OU_B]);
    const respond = createOrganizationEventResponder(world.ctx);

    const outcomes = await Promise.all([
      respond(event('CreateAccountResult', NEW_ACCOUNT)),
      respond(event('CreateAccountResult', NEW_ACCOUNT)),
    ]);

    expect(outcomes.map((outcome) => outcome.accounts[0]?.action).sort()).toEqual(['enrolled', 'unchanged']);
    expect(world.iam.versionCount(NEW_ACCOUNT)).toBe(1);
    expect(world.notifier.codes()).toEqual(['ACCOUNT_AUTO_ENROLLED']);
  });

  it('enrolls an account moved into an auto-enroll OU, not one arriving elsewhere, and never the security account', async () => {
    const world = await organization();
    withArrivals(world, [ROOT]);
    addMemberAccount(world, NEW_ACCOUNT, [ROOT, OU_A]);
    world.organization.paths.set(world.settings.securityAccountId, [ROOT]);
    const respond = createOrganizationEventResponder(world.ctx);

    const moved = await respond(event('MoveAccount', NEW_ACCOUNT));
    const security = await respond(event('MoveAccount', world.settings.securityAccountId));

    expect(moved.accounts[0]?.action).toBe('enrolled');
    expect(security.accounts[0]?.action).toBe('ignored');
    withArrivals(world, [OU_B]);
    addMemberAccount(world, '555555555555', [ROOT, OU_A]);
    expect((await respond(event('MoveAccount', '555555555555'))).accounts[0]?.action).toBe('ignored');
  });

  it('Given an account still being created, Then the event is delivered again later', async () => {
    const world = await organization();
    withArrivals(world, [OU_B]);
    addMemberAccount(world, NEW_ACCOUNT, [ROOT, OU_B]);
    world.organization.states.set(NEW_ACCOUNT, 'PENDING_ACTIVATION');
    const outcome = await createOrganizationEventResponder(world.ctx)(
      event('CreateAccountResult', NEW_ACCOUNT),
    );
    expect(outcome.retryLater).toEqual([NEW_ACCOUNT]);
    expect(world.accounts.records.has(NEW_ACCOUNT)).toBe(false);
  });
});

describe('moved out of the auto-enroll OUs', () => {
  async function autoEnrolled(movedOut: 'keep' | 'deregister') {
    const world = await organization();
    withArrivals(world, [OU_B], movedOut);
    addMemberAccount(world, NEW_ACCOUNT, [ROOT, OU_B]);
    const respond = createOrganizationEventResponder(world.ctx);
    await respond(event('CreateAccountResult', NEW_ACCOUNT));
    world.notifier.notices.length = 0;
    world.organization.move(NEW_ACCOUNT, [ROOT, OU_A]);
    return { world, respond };
  }

  it('deregisters an automatic enrollment when the setting says so, with one notice', async () => {
    const { world, respond } = await autoEnrolled('deregister');
    const outcome = await respond(event('MoveAccount', NEW_ACCOUNT));
    expect(outcome.accounts[0]?.action).toBe('deregistered');
    expect(world.accounts.records.has(NEW_ACCOUNT)).toBe(false);
    expect(world.iam.currentDocument(NEW_ACCOUNT)).toBeUndefined();
    expect(world.notifier.codes()).toEqual(['ACCOUNT_AUTO_DEREGISTERED']);
  });

  it('keeps it enrolled, recompiled for its new OU, when the setting says keep', async () => {
    const { world, respond } = await autoEnrolled('keep');
    const outcome = await respond(event('MoveAccount', NEW_ACCOUNT));
    expect(outcome.accounts[0]?.action).toBe('moved');
    expect(world.accounts.records.get(NEW_ACCOUNT)).toMatchObject({
      enrolledBy: 'auto',
      ouPath: [ROOT, OU_A],
    });
    expect(documentOf(world, NEW_ACCOUNT)).not.toContain('ec2:TerminateInstances');
  });

  it('never deregisters an enrollment the product or the CLI owns, whatever the setting', async () => {
    const world = await organization();
    withArrivals(world, [OU_A], 'deregister');
    world.organization.move(A1, [ROOT, OU_B]);
    const outcome = await createOrganizationEventResponder(world.ctx)(event('MoveAccount', A1));
    expect(outcome.accounts[0]?.action).toBe('moved');
    expect(world.accounts.records.get(A1)).toMatchObject({ status: 'ACTIVE', enrolledBy: 'service-catalog' });
  });

  it('lets the product or the CLI take an automatic enrollment over, never the other way round', async () => {
    const { world } = await autoEnrolled('keep');
    await enrollAccount(world.ctx, {
      accountId: NEW_ACCOUNT,
      ouId: OU_A,
      createCloudTrail: false,
      enrolledBy: 'cli',
    });
    expect(world.accounts.records.get(NEW_ACCOUNT)?.enrolledBy).toBe('cli');
    await expect(
      enrollAccount(world.ctx, {
        accountId: NEW_ACCOUNT,
        ouId: OU_A,
        createCloudTrail: false,
        enrolledBy: 'auto',
      }),
    ).rejects.toMatchObject({ code: 'ALREADY_ENROLLED' });
    expect(world.accounts.records.get(NEW_ACCOUNT)?.enrolledBy).toBe('cli');
  });
});
