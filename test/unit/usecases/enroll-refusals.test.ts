/**
 * Enrollment refuses what is not in the organization: the account id, the OU
 * and the root are checked against Organizations before anything is written, and a lookup that
 * keeps failing enrolls nothing rather than a guessed path.
 */
import { describe, expect, it } from 'vitest';
import { enrollAccount } from '#usecases/enroll.ts';
import { awsError } from '../fakes/organization.ts';
import { ALLOW_ALL_DENY, addMemberAccount, makeWorld, OU_A, OU_B, ROOT } from '../fakes/world.ts';

const ACCOUNT = '111111111111';
const MISTYPED = '111111111112';
const OTHER = '222222222222';

function world() {
  const w = makeWorld();
  addMemberAccount(w, ACCOUNT, [ROOT, OU_A]);
  addMemberAccount(w, OTHER, [ROOT, OU_B]);
  w.policyStore.put(`${ROOT}.json`, ALLOW_ALL_DENY('organizations:LeaveOrganization'));
  return w;
}

/** Nothing in IAM, no record, and the one notice that names the refusal. */
function expectNothingWritten(w: ReturnType<typeof world>, accountId: string) {
  expect(w.iam.currentDocument(accountId)).toBeUndefined();
  expect(w.accounts.records.has(accountId)).toBe(false);
  expect(w.forwarding.active.has(accountId)).toBe(false);
}

describe('enrollment refuses what is not in the organization', () => {
  it('Given an id Organizations does not know, When enrolled, Then it is refused naming the id and no record is written', async () => {
    const w = world();
    const enrolling = enrollAccount(w.ctx, { accountId: MISTYPED, ouId: OU_A, createCloudTrail: false });
    await expect(enrolling).rejects.toMatchObject({ code: 'ACCOUNT_NOT_IN_ORGANIZATION' });
    await expect(enrolling).rejects.toThrow(`account ${MISTYPED} is not in the organization`);
    expectNothingWritten(w, MISTYPED);
    expect(w.notifier.notices).toMatchObject([
      { code: 'ACCOUNT_NOT_IN_ORGANIZATION', accountId: MISTYPED, step: 'validate-request' },
    ]);
  });

  it('Given an OU that does not hold the account, Then it is refused naming the OU and where the account is', async () => {
    const w = world();
    const enrolling = enrollAccount(w.ctx, { accountId: ACCOUNT, ouId: OU_B, createCloudTrail: false });
    await expect(enrolling).rejects.toMatchObject({ code: 'OU_DOES_NOT_CONTAIN_ACCOUNT' });
    await expect(enrolling).rejects.toThrow(
      `OU ${OU_B} does not contain account ${ACCOUNT}; Organizations places account ${ACCOUNT} under ${ROOT} → ${OU_A}`,
    );
    expectNothingWritten(w, ACCOUNT);
  });

  it('Given an OU that does not exist, Then the refusal says so', async () => {
    const w = world();
    const enrolling = enrollAccount(w.ctx, {
      accountId: ACCOUNT,
      ouId: 'ou-ab12-zzzzzzzz',
      createCloudTrail: false,
    });
    await expect(enrolling).rejects.toThrow('OU ou-ab12-zzzzzzzz does not exist');
    expectNothingWritten(w, ACCOUNT);
  });

  it('Given the root of another organization, Then the refusal names this organization root', async () => {
    const w = world();
    const enrolling = enrollAccount(w.ctx, { accountId: ACCOUNT, ouId: 'r-zz99', createCloudTrail: false });
    await expect(enrolling).rejects.toThrow(`r-zz99 is not the root of this organization (${ROOT} is)`);
    expectNothingWritten(w, ACCOUNT);
  });

  it('accepts the root or any OU above the account: they contain it', async () => {
    const w = world();
    const result = await enrollAccount(w.ctx, { accountId: ACCOUNT, ouId: ROOT, createCloudTrail: false });
    expect(result.ouPath).toEqual([ROOT, OU_A]);
    expect(w.accounts.records.get(ACCOUNT)).toMatchObject({ status: 'ACTIVE', ouPath: [ROOT, OU_A] });
  });

  it('refuses a closed account without touching it', async () => {
    const w = world();
    w.organization.states.set(ACCOUNT, 'SUSPENDED');
    const enrolling = enrollAccount(w.ctx, { accountId: ACCOUNT, ouId: OU_A, createCloudTrail: false });
    await expect(enrolling).rejects.toMatchObject({ code: 'ACCOUNT_REFUSED' });
    await expect(enrolling).rejects.toThrow('closed in Organizations (state SUSPENDED)');
    expectNothingWritten(w, ACCOUNT);
  });

  it('Given Organizations cannot be read, Then nothing is enrolled from a guessed path (no fallback) and no record is written', async () => {
    const w = world();
    w.organization.failWith = awsError('AccessDeniedException', 'not authorized to DescribeAccount');
    const enrolling = enrollAccount(w.ctx, { accountId: ACCOUNT, ouId: OU_A, createCloudTrail: false });
    await expect(enrolling).rejects.toMatchObject({ code: 'ORGANIZATION_LOOKUP_FAILED' });
    await expect(enrolling).rejects.toThrow('nothing was enrolled');
    expectNothingWritten(w, ACCOUNT);
    expect(w.notifier.codes()).toEqual(['ORGANIZATION_LOOKUP_FAILED']);
  });

  it('Given a lookup that is throttled once, Then the retry enrolls the account', async () => {
    const w = world();
    const describe = w.organization.describeAccount.bind(w.organization);
    let throttled = false;
    w.organization.describeAccount = async (accountId) => {
      if (!throttled) {
        throttled = true;
        throw awsError('TooManyRequestsException');
      }
      return describe(accountId);
    };
    const result = await enrollAccount(w.ctx, { accountId: ACCOUNT, ouId: OU_A, createCloudTrail: false });
    expect(result.ouPath).toEqual([ROOT, OU_A]);
    expect(w.notifier.notices).toEqual([]);
  });
});
