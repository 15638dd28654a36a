/**
 * The world every handler test starts from: one member account below OU_A, enrolled with a root
 * file that denies s3:DeleteBucket, and the dependencies a handler factory takes.
 */
import type { HandlerDeps } from '#functions/commons/runtime.ts';
import { enrollAccount } from '#usecases/enroll.ts';
import {
  ALLOW_ALL_DENY,
  addMemberAccount,
  makeWorld,
  OU_A,
  ROOT,
  silentLogger,
  type World,
} from '../fakes/world.ts';

export const ACCOUNT = '111111111111';
export const POLICY_ARN = `arn:aws-cn:iam::${ACCOUNT}:policy/scp-enforce-policy`;

export async function enrolledWorld(): Promise<World> {
  const world = makeWorld();
  addMemberAccount(world, ACCOUNT, [ROOT, OU_A]);
  world.policyStore.put(`${ROOT}.json`, ALLOW_ALL_DENY('s3:DeleteBucket'));
  await enrollAccount(world.ctx, { accountId: ACCOUNT, ouId: OU_A, createCloudTrail: false });
  return world;
}

export function handlerDeps(world: World): HandlerDeps {
  return { ctx: world.ctx, logger: silentLogger() };
}
