/**
 * A boundary is never written for a path the record no longer holds: a policy change that compiled
 * an account for its old OU while a move was recorded recompiles it for the new one.
 */
import { describe, expect, it } from 'vitest';
import { policySnapshot } from '#usecases/compile-account.ts';
import { syncAccount } from '#usecases/sync-account.ts';
import { A1, documentOf, enrolledOrganization } from '../fakes/organization.ts';
import { ALLOW_ALL_DENY, OU_A, OU_B, ROOT } from '../fakes/world.ts';

describe('syncAccount and a move recorded meanwhile', () => {
  it('Given the record moved between compile and write, Then the write is for the new OU', async () => {
    const world = await enrolledOrganization();
    world.policyStore.put(`${OU_A}.json`, ALLOW_ALL_DENY('rds:DeleteDBInstance'));
    world.policyStore.put(`${OU_B}.json`, ALLOW_ALL_DENY('ec2:TerminateInstances'));
    const read = world.accounts.get.bind(world.accounts);
    let first = true;
    world.accounts.get = async (accountId) => {
      const record = await read(accountId);
      if (accountId === A1 && first && record) {
        first = false;
        // A move event recorded the new place right after this sync read the record.
        const moved = { ...record, ouPath: [ROOT, OU_B], ouId: OU_B };
        world.accounts.records.set(A1, { ...moved, revision: record.revision + 1 });
      }
      return record;
    };

    const result = await syncAccount(world.ctx, policySnapshot(world.ctx.ports.policyStore), A1);

    expect(result).toMatchObject({ outcome: 'updated', ouPath: [ROOT, OU_B] });
    expect(documentOf(world, A1)).toContain('ec2:TerminateInstances');
    expect(documentOf(world, A1)).not.toContain('rds:DeleteDBInstance');
    expect(world.accounts.records.get(A1)).toMatchObject({ ouPath: [ROOT, OU_B] });
  });
});
