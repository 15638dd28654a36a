import { describe, expect, it } from 'vitest';
import { enrollAccount } from '#usecases/enroll.ts';
import { createIamEventResponder, type IamEvent } from '#usecases/iam-event.ts';
import { ALLOW_ALL_DENY, addMemberAccount, makeWorld, OU_A, ROOT } from '../fakes/world.ts';

const ACCOUNT = '111111111111';
const POLICY_ARN = `arn:aws-cn:iam::${ACCOUNT}:policy/scp-enforce-policy`;
let eventCounter = 0;

const createRole = (name: string, overrides: Partial<IamEvent> = {}): IamEvent => ({
  eventId: `event-${++eventCounter}`,
  eventName: 'CreateRole',
  accountId: ACCOUNT,
  source: 'aws.iam',
  senderAccountId: ACCOUNT,
  principal: { kind: 'role', name },
  actorArn: `arn:aws-cn:sts::${ACCOUNT}:assumed-role/Developer/jane`,
  ...overrides,
});

async function warmResponder() {
  const world = makeWorld();
  addMemberAccount(world, ACCOUNT, [ROOT, OU_A]);
  world.policyStore.put(`${OU_A}.json`, ALLOW_ALL_DENY('s3:DeleteBucket'));
  await enrollAccount(world.ctx, { accountId: ACCOUNT, ouId: OU_A, createCloudTrail: false });
  let now = 0;
  const respond = createIamEventResponder(
    { ...world.ctx, now: () => new Date(now) },
    { recordTtlMs: 60_000 },
  );
  world.iam.addPrincipal(ACCOUNT, 'role', 'warm-up', { boundaryArn: POLICY_ARN });
  await respond(createRole('warm-up')); // loads the account record into the cache
  world.iam.calls.length = 0;
  world.accounts.gets = 0;
  return { world, respond, advance: (ms: number) => (now += ms) };
}

describe('attach to a new principal', () => {
  it('warm CreateRole without boundary costs at most 2 AWS calls and attaches ours', async () => {
    const { world, respond } = await warmResponder();
    world.iam.addPrincipal(ACCOUNT, 'role', 'fresh');
    expect(await respond(createRole('fresh'))).toEqual({ action: 'principal', outcome: 'attached' });
    expect(world.iam.calls.map((call) => call.api)).toEqual(['GetRole', 'PutRolePermissionsBoundary']);
    expect(world.accounts.gets).toBe(0);
    expect(world.iam.boundaryOf(ACCOUNT, 'role', 'fresh')).toBe(POLICY_ARN);
  });

  it('warm CreateRole that already carries our boundary costs exactly 1 AWS call', async () => {
    const { world, respond } = await warmResponder();
    world.iam.addPrincipal(ACCOUNT, 'role', 'created-with-boundary', { boundaryArn: POLICY_ARN });
    expect(await respond(createRole('created-with-boundary'))).toEqual({
      action: 'principal',
      outcome: 'already-bound',
    });
    expect(world.iam.calls).toHaveLength(1);
    expect(world.accounts.gets).toBe(0);
  });

  it('reloads the account record after the cache lifetime', async () => {
    const { world, respond, advance } = await warmResponder();
    world.iam.addPrincipal(ACCOUNT, 'role', 'later', { boundaryArn: POLICY_ARN });
    advance(61_000);
    await respond(createRole('later'));
    expect(world.accounts.gets).toBe(1);
  });

  it('ignores duplicates, calls that failed for another reason, unregistered accounts and our own sessions without AWS calls', async () => {
    const { world, respond } = await warmResponder();
    world.iam.addPrincipal(ACCOUNT, 'role', 'once', { boundaryArn: POLICY_ARN });
    const event = createRole('once');
    await respond(event);
    world.iam.calls.length = 0;
    expect(await respond(event)).toEqual({ action: 'ignored', reason: 'duplicate event' });
    expect(await respond(createRole('x', { errorCode: 'EntityAlreadyExists' }))).toEqual({
      action: 'ignored',
      reason: 'call failed (EntityAlreadyExists)',
    });
    expect(
      await respond(
        createRole('x', {
          actorArn: `arn:aws-cn:sts::${ACCOUNT}:assumed-role/OrganizationAccountAccessRole/any-name`,
          sourceIdentity: 'scp-alt-account-register',
        }),
      ),
    ).toEqual({ action: 'ignored', reason: 'made by scp-alt itself' });
    expect(world.iam.calls).toEqual([]);
    const elsewhere = '555555555555';
    expect(await respond(createRole('x', { accountId: elsewhere, senderAccountId: elsewhere }))).toEqual({
      action: 'ignored',
      reason: 'account not enrolled',
    });
  });

  it('leaves exempt principals alone', async () => {
    const { world, respond } = await warmResponder();
    world.iam.addPrincipal(ACCOUNT, 'role', 'stacksets-exec-99');
    expect(await respond(createRole('stacksets-exec-99'))).toEqual({
      action: 'principal',
      outcome: 'exempt',
    });
    expect(world.iam.boundaryOf(ACCOUNT, 'role', 'stacksets-exec-99')).toBeUndefined();
  });

  it('Given a boundary was removed, Then it is re-attached and the operator is told who did it', async () => {
    const { world, respond } = await warmResponder();
    await world.iam.detachBoundary(ACCOUNT, { kind: 'role', name: 'app-role' });
    const outcome = await respond(createRole('app-role', { eventName: 'DeleteRolePermissionsBoundary' }));
    expect(outcome).toEqual({ action: 'tampering', repaired: true });
    expect(world.iam.boundaryOf(ACCOUNT, 'role', 'app-role')).toBe(POLICY_ARN);
    expect(world.notifier.notices.at(-1)).toMatchObject({
      code: 'TAMPERING_DETECTED',
      accountId: ACCOUNT,
      reason: expect.stringContaining('assumed-role/Developer/jane'),
    });
  });

  it('Given our policy got a foreign default version, Then the compiled policy is written again', async () => {
    const { world, respond } = await warmResponder();
    await world.iam.writeBoundaryPolicy(ACCOUNT, {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    });
    const outcome = await respond({
      eventId: 'tamper-1',
      eventName: 'CreatePolicyVersion',
      accountId: ACCOUNT,
      source: 'aws.iam',
      senderAccountId: ACCOUNT,
      policyArn: POLICY_ARN,
      actorArn: 'arn:aws-cn:sts::111111111111:assumed-role/OrganizationAccountAccessRole/human',
    });
    expect(outcome).toEqual({ action: 'tampering', repaired: true });
    expect(JSON.stringify(world.iam.currentDocument(ACCOUNT))).toContain('s3:DeleteBucket');
  });
});

describe('attach to a new principal while the account is enrolling', () => {
  it('acts on the event (the policy already exists) and does not cache the in-between state', async () => {
    const world = makeWorld();
    addMemberAccount(world, ACCOUNT, [ROOT, OU_A]);
    world.policyStore.put(`${OU_A}.json`, ALLOW_ALL_DENY('s3:DeleteBucket'));
    await enrollAccount(world.ctx, { accountId: ACCOUNT, ouId: OU_A, createCloudTrail: false });
    const active = world.accounts.records.get(ACCOUNT);
    if (active)
      world.accounts.records.set(ACCOUNT, { ...active, status: 'ENROLLING', compiledHash: undefined });
    const respond = createIamEventResponder(world.ctx);
    world.iam.addPrincipal(ACCOUNT, 'role', 'during-enroll');
    world.accounts.gets = 0;
    expect(await respond(createRole('during-enroll'))).toEqual({ action: 'principal', outcome: 'attached' });
    world.iam.addPrincipal(ACCOUNT, 'role', 'next', { boundaryArn: POLICY_ARN });
    await respond(createRole('next'));
    expect(world.accounts.gets).toBe(2);
  });
});

describe('events that are not what a member forwards, and sessions that only look like ours', () => {
  it('Given an event from another source or sent by another account than it names, Then it is refused before any AWS call or record read', async () => {
    const { world, respond } = await warmResponder();
    world.iam.addPrincipal(ACCOUNT, 'role', 'target');

    const custom = await respond(createRole('target', { source: 'my.app' }));
    const relayed = await respond(createRole('target', { senderAccountId: '222222222222' }));

    expect(custom).toEqual({ action: 'refused', reason: "source 'my.app' is not aws.iam" });
    expect(relayed).toEqual({
      action: 'refused',
      reason: `sent by account '222222222222' for account ${ACCOUNT}`,
    });
    expect(world.iam.calls).toEqual([]);
    expect(world.accounts.gets).toBe(0);
    expect(world.iam.boundaryOf(ACCOUNT, 'role', 'target')).toBeUndefined();
  });

  it('Given a role created by an organization access role session named like ours but without our source identity, Then it gets the boundary', async () => {
    const { world, respond } = await warmResponder();
    world.iam.addPrincipal(ACCOUNT, 'role', 'impostor-made');
    const impostor = `arn:aws-cn:sts::${ACCOUNT}:assumed-role/OrganizationAccountAccessRole/scp-alt-account-register`;

    const outcome = await respond(createRole('impostor-made', { actorArn: impostor }));

    expect(outcome).toEqual({ action: 'principal', outcome: 'attached' });
    expect(world.iam.boundaryOf(ACCOUNT, 'role', 'impostor-made')).toBe(POLICY_ARN);
  });

  it('Given our source identity on a session of another role or account, Then the call is not taken for ours', async () => {
    const { world, respond } = await warmResponder();
    world.iam.addPrincipal(ACCOUNT, 'role', 'made-by-developer');
    world.iam.addPrincipal(ACCOUNT, 'role', 'made-from-elsewhere');

    const otherRole = await respond(
      createRole('made-by-developer', { sourceIdentity: 'scp-alt-account-register' }),
    );
    const otherAccount = await respond(
      createRole('made-from-elsewhere', {
        actorArn: 'arn:aws-cn:sts::222222222222:assumed-role/OrganizationAccountAccessRole/x',
        sourceIdentity: 'scp-alt-account-register',
      }),
    );

    expect([otherRole, otherAccount]).toEqual([
      { action: 'principal', outcome: 'attached' },
      { action: 'principal', outcome: 'attached' },
    ]);
  });

  it('Given calls against the boundary that failed, Then each is an attempt to report; a failed edit of a customer policy is not', async () => {
    const { world, respond } = await warmResponder();
    const denied = { errorCode: 'AccessDenied' };

    const outcomes = await Promise.all([
      respond(createRole('app-role', { eventName: 'DeleteRolePermissionsBoundary', ...denied })),
      respond(createRole('sneaky', denied)),
      respond(
        createRole('x', {
          eventName: 'CreatePolicyVersion',
          principal: undefined,
          policyArn: POLICY_ARN,
          errorCode: 'AccessDenied',
        }),
      ),
      respond(
        createRole('x', {
          eventName: 'CreatePolicyVersion',
          principal: undefined,
          policyArn: `arn:aws-cn:iam::${ACCOUNT}:policy/team-policy`,
          errorCode: 'MalformedPolicyDocument',
        }),
      ),
    ]);

    expect(outcomes).toEqual([
      { action: 'attempt-denied', errorCode: 'AccessDenied' },
      { action: 'attempt-denied', errorCode: 'AccessDenied' },
      { action: 'attempt-denied', errorCode: 'AccessDenied' },
      { action: 'ignored', reason: 'call failed (MalformedPolicyDocument)' },
    ]);
    expect(world.iam.calls).toEqual([]);
  });
});
