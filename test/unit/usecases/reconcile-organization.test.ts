/**
 * The reconciler takes every account's place from Organizations: one tree read
 * per run, stale paths repaired, departed and unreachable accounts closed out once and then left
 * alone, OU changes reported once.
 */
import { describe, expect, it } from 'vitest';
import { reconcileAccounts } from '#usecases/reconcile.ts';
import { replayFailedAccounts } from '#usecases/replay.ts';
import {
  A1,
  A2,
  awsError,
  B1,
  documentOf,
  enrolledOrganization,
  memberRoleRefusal,
} from '../fakes/organization.ts';
import { ALLOW_ALL_DENY, OU_A, OU_B, ROOT } from '../fakes/world.ts';

async function organization() {
  const world = await enrolledOrganization();
  world.policyStore.put(`${OU_B}.json`, ALLOW_ALL_DENY('ec2:TerminateInstances'));
  // The enrolled organization compiled without OU_B's file: bring B1 up to date first.
  await reconcileAccounts(world.ctx);
  world.iam.calls.length = 0;
  world.notifier.notices.length = 0;
  world.organization.calls.length = 0;
  return world;
}

describe('reconcile follows the organization', () => {
  it('Given an account moved while no event arrived, Then the run recompiles it for its new OU, fixes the record and says so once', async () => {
    const world = await organization();
    world.organization.move(A1, [ROOT, OU_B]);

    const report = await reconcileAccounts(world.ctx);

    expect(report.drifted).toEqual([
      expect.objectContaining({ accountId: A1, moved: { from: [ROOT, OU_A], to: [ROOT, OU_B] } }),
    ]);
    expect(documentOf(world, A1)).toContain('ec2:TerminateInstances');
    expect(world.accounts.records.get(A1)).toMatchObject({
      status: 'ACTIVE',
      ouId: OU_B,
      ouPath: [ROOT, OU_B],
    });
    expect(world.notifier.codes()).toEqual(['DRIFT_REPAIRED']);
    expect(world.notifier.notices[0]?.details?.[0]).toContain(`moved ${ROOT}/${OU_A} → ${ROOT}/${OU_B}`);

    world.notifier.notices.length = 0;
    expect((await reconcileAccounts(world.ctx)).drifted).toEqual([]);
    expect(world.notifier.notices).toEqual([]);
  });

  it('reads the tree once per run, however many accounts are enrolled, and never asks per account', async () => {
    const world = await organization();
    await reconcileAccounts(world.ctx);
    expect(world.organization.calls).toEqual(['ReadTree']);
  });

  it('Given an account that left, Then it is closed out with one notice, and later runs neither retry it nor notify again', async () => {
    const world = await organization();
    world.organization.units.set(OU_B, ROOT);
    world.organization.paths.delete(B1);

    const first = await reconcileAccounts(world.ctx);
    const second = await reconcileAccounts(world.ctx);

    expect(first.unreachable).toEqual([B1]);
    expect(second.unreachable).toEqual([B1]);
    expect(world.accounts.records.get(B1)?.status).toBe('UNREACHABLE');
    expect(world.notifier.codes()).toEqual(['ACCOUNT_UNREACHABLE']);
    expect(world.iam.callsTo(B1)).toEqual([]);
  });

  it('Given an account whose organization access role is gone, Then it becomes UNREACHABLE with one notice, is probed silently, and comes back once the role is', async () => {
    const world = await organization();
    world.iam.refusing.set(A2, memberRoleRefusal(A2));

    await reconcileAccounts(world.ctx);
    await reconcileAccounts(world.ctx);
    expect(world.accounts.records.get(A2)).toMatchObject({ status: 'UNREACHABLE' });
    expect(world.accounts.records.get(A2)?.lastError).toContain(
      'OrganizationAccountAccessRole refused AssumeRole',
    );
    expect(world.notifier.codes()).toEqual(['ACCOUNT_UNREACHABLE']);
    // Replay of FAILED accounts leaves it alone.
    expect(await replayFailedAccounts(world.ctx, { reEnroll: false })).toEqual([]);

    world.iam.refusing.delete(A2);
    world.notifier.notices.length = 0;
    const back = await reconcileAccounts(world.ctx);
    expect(back.drifted).toEqual([
      expect.objectContaining({ accountId: A2, reachableAgain: true, problems: [] }),
    ]);
    expect(world.accounts.records.get(A2)).toMatchObject({ status: 'ACTIVE', lastError: undefined });
  });

  it('Given the tree cannot be read, Then the records paths are used and the summary says why', async () => {
    const world = await organization();
    world.organization.failWith = awsError('AccessDeniedException', 'not authorized to ListRoots');

    const report = await reconcileAccounts(world.ctx);

    expect(report.organizationError).toContain('not authorized to ListRoots');
    expect(report.drifted).toEqual([]);
    expect(world.notifier.codes()).toEqual(['RECONCILE_INCOMPLETE']);
    expect(world.notifier.notices[0]?.details?.[0]).toContain('OU paths taken from the records');
  });
});

describe('organization changes', () => {
  it('Given OUs created, renamed and deleted since the last run, Then one notice lists them with the policy files left without a target', async () => {
    const world = await organization();
    world.organization.units.set('ou-ab12-cccccccc', ROOT);
    world.organization.names.set(OU_A, 'Workloads-renamed');
    world.organization.paths.delete(B1);
    world.policyStore.put('account-999999999990.json', ALLOW_ALL_DENY('s3:DeleteBucket'));

    await reconcileAccounts(world.ctx);

    const notice = world.notifier.notices.find((n) => n.code === 'ORGANIZATION_CHANGED');
    expect(notice?.details).toEqual([
      `OU created: ou-ab12-cccccccc (ou-ab12-cccccccc) under ${ROOT}`,
      `OU renamed: ${OU_A} ${OU_A} → Workloads-renamed`,
      `OU deleted: ${OU_B} (${OU_B})`,
      `policy file without target: permission-boundary-policy/${OU_B}.json`,
      'policy file without target: permission-boundary-policy/account-999999999990.json',
    ]);
    world.notifier.notices.length = 0;
    await reconcileAccounts(world.ctx);
    expect(world.notifier.codes()).not.toContain('ORGANIZATION_CHANGED');
  });
});
