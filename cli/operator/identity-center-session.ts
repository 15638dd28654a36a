/**
 * `simulate` for an Identity Center session (assumed-role/AWSReservedSSO_<permission set>_<hash>/…):
 * the role carries our boundary only when its permission set does (usecases/identity-center.ts), so
 * the answer depends on the permission set's state, read from the instance.
 */
import { IDENTITY_CENTER_ROLE_NAME } from '#policy/index.ts';
import type { FlowContext } from '#usecases/flow-context.ts';
import { permissionSetStates } from '#usecases/identity-center.ts';
import { principalArnOf } from './simulate-request.ts';

export interface IdentityCenterSession {
  permissionSet: string;
  /** The permission set's state; `unknown` when it could not be found or read. */
  state: string;
  /** True when the role carries our boundary (the permission set is governed). */
  bounded: boolean;
}

/** The permission set an Identity Center role or session belongs to, by its role name. */
export function permissionSetNameOf(principal: string): string | undefined {
  const arn = principalArnOf(principal);
  return IDENTITY_CENTER_ROLE_NAME.exec(arn.slice(arn.lastIndexOf('/') + 1))?.[1];
}

/** Undefined for any principal that is not an Identity Center role. */
export async function identityCenterSession(
  ctx: FlowContext | undefined,
  accountId: string,
  principal: string,
): Promise<IdentityCenterSession | undefined> {
  const permissionSet = permissionSetNameOf(principal);
  if (!permissionSet) return undefined;
  // Offline (--policies with --ou-path): what the boundary would decide once the permission set is governed.
  if (!ctx) return { permissionSet, state: 'assumed governed (offline)', bounded: true };
  const sets = (await permissionSetStates(ctx)) ?? [];
  const found = sets.find((set) => set.name === permissionSet && set.enrolledAccounts.includes(accountId));
  const state = found?.state ?? 'unknown';
  return { permissionSet, state, bounded: state === 'governed' || state === 'bounded' };
}
