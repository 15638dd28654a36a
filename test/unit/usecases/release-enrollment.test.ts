/**
 * One record, one owner: a Service Catalog Delete deregisters only what the
 * product enrolled, and hands an account in an auto-enroll OU to the automatic path instead.
 */
import { describe, expect, it } from 'vitest';
import { enrollAccount } from '#usecases/enroll.ts';
import { releaseEnrollment } from '#usecases/release-enrollment.ts';
import { A1, enrolledOrganization } from '../fakes/organization.ts';
import { OU_A, OU_B } from '../fakes/world.ts';

describe('releaseEnrollment', () => {
  it('deregisters an enrollment the product owns, outside every auto-enroll OU', async () => {
    const world = await enrolledOrganization();
    world.ctx.settings.arrivals = { targets: [OU_B], movedOut: 'keep', createCloudTrail: false };
    expect(await releaseEnrollment(world.ctx, A1, 'service-catalog')).toEqual({
      action: 'deregistered',
      detached: 2,
    });
    expect(world.accounts.records.has(A1)).toBe(false);
  });

  it('hands an enrollment in an auto-enroll OU to the automatic path: the boundary stays', async () => {
    const world = await enrolledOrganization();
    world.ctx.settings.arrivals = { targets: [OU_A], movedOut: 'keep', createCloudTrail: false };
    const released = await releaseEnrollment(world.ctx, A1, 'service-catalog');
    expect(released.action).toBe('handed-to-auto');
    expect(world.accounts.records.get(A1)).toMatchObject({ status: 'ACTIVE', enrolledBy: 'auto' });
    expect(world.iam.currentDocument(A1)).toBeDefined();
  });

  it('leaves an enrollment another path owns as it is', async () => {
    const world = await enrolledOrganization();
    await enrollAccount(world.ctx, {
      accountId: A1,
      ouId: OU_A,
      createCloudTrail: false,
      replaceExisting: true,
      enrolledBy: 'cli',
    });
    const released = await releaseEnrollment(world.ctx, A1, 'service-catalog');
    expect(released).toEqual({
      action: 'kept',
      reason: 'enrolled by cli, not by service-catalog: left enrolled',
    });
    expect(world.accounts.records.get(A1)).toMatchObject({ status: 'ACTIVE', enrolledBy: 'cli' });
  });
});
