/** A small enrolled organization on the unit fakes, shared by use-case and hardening tests. */
import { AssumeRoleError } from '#aws/credentials.ts';
import type { Deadline } from '#runtime/deadline.ts';
import { enrollAccount } from '#usecases/enroll.ts';
import { ALLOW_ALL_DENY, addMemberAccount, makeWorld, OU_A, OU_B, ROOT, type World } from './world.ts';

export const A1 = '111111111111';
export const A2 = '222222222222';
export const B1 = '333333333333';

export const awsError = (name: string, message = name) => Object.assign(new Error(message), { name });

/** What every IAM call into the account fails with once its organization access role is gone. */
export function memberRoleRefusal(accountId: string): Error {
  const roleArn = `arn:aws-cn:iam::${accountId}:role/OrganizationAccountAccessRole`;
  return new AssumeRoleError(
    roleArn,
    awsError('AccessDenied', `not authorized to perform: sts:AssumeRole on resource: ${roleArn}`),
  );
}

/** A1 and A2 under OU_A, B1 under OU_B; a root file denies LeaveOrganization everywhere. */
export async function enrolledOrganization(): Promise<World> {
  const world = makeWorld();
  world.policyStore.put(`${ROOT}.json`, ALLOW_ALL_DENY('organizations:LeaveOrganization'));
  for (const [accountId, ou] of [
    [A1, OU_A],
    [A2, OU_A],
    [B1, OU_B],
  ] as const) {
    addMemberAccount(world, accountId, [ROOT, ou]);
    await enrollAccount(world.ctx, { accountId, ouId: ou, createCloudTrail: false });
  }
  world.iam.calls.length = 0;
  world.notifier.notices.length = 0;
  return world;
}

/** A deadline that is reached once `starts` accounts have asked. */
export function deadlineAfter(starts: number): Deadline {
  let asked = 0;
  return { reached: () => ++asked > starts, remainingMs: () => 5_000 };
}

export const documentOf = (world: World, accountId: string, policyName?: string) =>
  JSON.stringify(world.iam.currentDocument(accountId, policyName));

/** Our boundary (or a derived one) on every non-exempt principal, by name. */
export function boundaries(world: World, accountId: string): Record<string, string | undefined> {
  return Object.fromEntries(
    ['role/app-role', 'user/alice'].map((ref) => {
      const [kind, name] = ref.split('/') as ['role' | 'user', string];
      return [ref, world.iam.boundaryOf(accountId, kind, name)];
    }),
  );
}
