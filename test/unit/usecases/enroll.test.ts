import { describe, expect, it } from 'vitest';
import { AccountRefusedError, PolicyInvalidError } from '#shared/errors.ts';
import { enrollAccount } from '#usecases/enroll.ts';
import {
  ALLOW_ALL_DENY,
  addMemberAccount,
  MANAGEMENT_ACCOUNT,
  makeWorld,
  OU_A,
  ROOT,
  SECURITY_ACCOUNT,
} from '../fakes/world.ts';

const ACCOUNT = '111111111111';
const POLICY_ARN = `arn:aws-cn:iam::${ACCOUNT}:policy/scp-enforce-policy`;

function enrolledWorld() {
  const world = makeWorld();
  addMemberAccount(world, ACCOUNT, [ROOT, OU_A]);
  world.policyStore.put(`${OU_A}.json`, ALLOW_ALL_DENY('s3:DeleteBucket'));
  return world;
}

describe('enrollAccount', () => {
  it('Given an OU policy, When the account is enrolled, Then every non-exempt principal carries the compiled boundary', async () => {
    const world = enrolledWorld();
    const result = await enrollAccount(world.ctx, { accountId: ACCOUNT, ouId: OU_A, createCloudTrail: true });

    expect(result.ouPath).toEqual([ROOT, OU_A]);
    expect(world.iam.boundaryOf(ACCOUNT, 'role', 'app-role')).toBe(POLICY_ARN);
    expect(world.iam.boundaryOf(ACCOUNT, 'user', 'alice')).toBe(POLICY_ARN);
    expect(world.iam.boundaryOf(ACCOUNT, 'role', 'OrganizationAccountAccessRole')).toBeUndefined();
    expect(world.iam.boundaryOf(ACCOUNT, 'role', 'AWSServiceRoleForSupport')).toBeUndefined();
    expect(world.iam.boundaryOf(ACCOUNT, 'role', 'stacksets-exec-1234')).toBeUndefined();
    const statements = JSON.stringify(world.iam.currentDocument(ACCOUNT));
    expect(statements).toContain('s3:DeleteBucket');
    expect(world.forwarding.active.get(ACCOUNT)).toEqual({ createCloudTrail: true });
    expect(world.accounts.records.get(ACCOUNT)).toMatchObject({
      status: 'ACTIVE',
      managementAccountId: MANAGEMENT_ACCOUNT,
      ouId: OU_A,
      ouPath: [ROOT, OU_A],
      policyFileKeys: [`permission-boundary-policy/${OU_A}.json`],
      compiledHash: result.compiledHash,
      boundaryVersionId: 'v1',
      updatedAt: '2026-03-01T12:00:00.000Z',
      createCloudTrail: true,
    });
    expect(world.notifier.notices).toEqual([]);
  });

  it.each([
    [SECURITY_ACCOUNT, 'security account'],
    [MANAGEMENT_ACCOUNT, 'management account'],
  ])('refuses %s (%s) without touching IAM or writing a record, and says why', async (accountId, why) => {
    const world = enrolledWorld();
    const enrolling = enrollAccount(world.ctx, { accountId, ouId: OU_A, createCloudTrail: false });
    await expect(enrolling).rejects.toBeInstanceOf(AccountRefusedError);
    await expect(enrolling).rejects.toThrow(why);
    expect(world.iam.calls).toEqual([]);
    expect(world.accounts.records.size).toBe(0);
    expect(world.notifier.codes()).toEqual(['ACCOUNT_REFUSED']);
  });

  it('refuses a second enrollment of an active account, but allows retrying a failed one', async () => {
    const world = enrolledWorld();
    await enrollAccount(world.ctx, { accountId: ACCOUNT, ouId: OU_A, createCloudTrail: false });
    await expect(
      enrollAccount(world.ctx, { accountId: ACCOUNT, ouId: OU_A, createCloudTrail: false }),
    ).rejects.toMatchObject({
      code: 'ALREADY_ENROLLED',
    });
    expect(world.accounts.records.get(ACCOUNT)?.status).toBe('ACTIVE');

    const active = world.accounts.records.get(ACCOUNT);
    if (active) world.accounts.records.set(ACCOUNT, { ...active, status: 'FAILED' });
    await expect(
      enrollAccount(world.ctx, { accountId: ACCOUNT, ouId: OU_A, createCloudTrail: false }),
    ).resolves.toBeDefined();
  });

  it('Given a broken policy file, Then nothing is written in the account, the record is FAILED and SNS names file and statement', async () => {
    const world = enrolledWorld();
    world.policyStore.put(`account-${ACCOUNT}.json`, {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Action: 's3:NoSuchAction', Resource: '*' }],
    });
    await expect(
      enrollAccount(world.ctx, { accountId: ACCOUNT, ouId: OU_A, createCloudTrail: false }),
    ).rejects.toBeInstanceOf(PolicyInvalidError);
    expect(world.iam.writes()).toEqual([]);
    expect(world.forwarding.active.size).toBe(0);
    expect(world.accounts.records.get(ACCOUNT)).toMatchObject({
      status: 'FAILED',
      lastError: expect.stringContaining('POLICY_INVALID'),
    });
    const [notice] = world.notifier.notices;
    expect(notice).toMatchObject({
      code: 'POLICY_INVALID',
      step: 'compile',
      accountId: ACCOUNT,
      file: `permission-boundary-policy/account-${ACCOUNT}.json`,
    });
    expect(notice?.details?.join('\n')).toContain('Statement[0].Action');
  });

  it('fails with a clear reason when no policy file applies at any level', async () => {
    const world = makeWorld();
    addMemberAccount(world, ACCOUNT, [ROOT, OU_A]);
    await expect(
      enrollAccount(world.ctx, { accountId: ACCOUNT, ouId: OU_A, createCloudTrail: false }),
    ).rejects.toMatchObject({
      code: 'POLICY_MISSING',
    });
    expect(world.iam.writes()).toEqual([]);
  });

  it('gives a principal with a customer boundary the derived policy (theirs plus our denies), records and reports it', async () => {
    const world = enrolledWorld();
    const customer = `arn:aws-cn:iam::${ACCOUNT}:policy/CustomerBoundary`;
    const customerDocument = {
      Version: '2012-10-17' as const,
      Statement: [{ Effect: 'Allow' as const, Action: 'ec2:*', Resource: '*' }],
    };
    world.iam.putManagedPolicy(customer, customerDocument);
    world.iam.addPrincipal(ACCOUNT, 'role', 'bounded-role', { boundaryArn: customer });
    const result = await enrollAccount(world.ctx, {
      accountId: ACCOUNT,
      ouId: OU_A,
      createCloudTrail: false,
    });
    const derivedArn = world.iam.boundaryOf(ACCOUNT, 'role', 'bounded-role') ?? '';
    expect(derivedArn).toMatch(/:policy\/scp-enforce-policy-[0-9a-f]{16}$/);
    const derivedName = derivedArn.split('/').pop();
    expect(world.iam.currentDocument(ACCOUNT, derivedName)?.Statement[0]).toEqual(
      customerDocument.Statement[0],
    );
    expect(JSON.stringify(world.iam.currentDocument(ACCOUNT, derivedName))).toContain('s3:DeleteBucket');
    expect(result.customerBoundaryArns).toEqual([customer]);
    expect(world.accounts.records.get(ACCOUNT)?.customerBoundaryArns).toEqual([customer]);
    expect(world.notifier.codes()).toEqual(['CUSTOM_BOUNDARY_PRESENT']);
  });

  it('marks the record FAILED and notifies the step when attaching fails in IAM', async () => {
    const world = enrolledWorld();
    // Not transient (a transient error would be retried): the failure must surface.
    world.iam.failNext(
      'PutUserPermissionsBoundary',
      Object.assign(new Error('cannot modify'), { name: 'UnmodifiableEntity' }),
    );
    await expect(
      enrollAccount(world.ctx, { accountId: ACCOUNT, ouId: OU_A, createCloudTrail: false }),
    ).rejects.toMatchObject({
      code: 'AWS_CALL_FAILED',
    });
    expect(world.accounts.records.get(ACCOUNT)?.status).toBe('FAILED');
    expect(world.notifier.notices[0]).toMatchObject({ step: 'attach-boundaries', accountId: ACCOUNT });
  });

  it('re-enrolling with unchanged policies writes no new policy version', async () => {
    const world = enrolledWorld();
    await enrollAccount(world.ctx, { accountId: ACCOUNT, ouId: OU_A, createCloudTrail: false });
    await enrollAccount(world.ctx, {
      accountId: ACCOUNT,
      ouId: OU_A,
      createCloudTrail: false,
      replaceExisting: true,
    });
    expect(world.iam.versionCount(ACCOUNT)).toBe(1);
  });
});
