/**
 * What enrollment checks before it writes a record: accounts never enrolled, the trails the
 * request names, the management account's lockout, and whitelisted roles' trusts. A refusal here
 * leaves nothing behind.
 */
import { trailList, trailReferenceProblem } from '#policy/trail-reference.ts';
import { AccountRefusedError, InvalidRequestError, inStep, ManagementLockoutError } from '#shared/errors.ts';
import { withAccountRetries } from './account-retry.ts';
import { compileForAccount, policySnapshot } from './compile-account.ts';
import { checkWhitelistTrust } from './exempt-exposure.ts';
import { type FlowContext, type FlowSettings, isEnrollableManagementAccount } from './flow-context.ts';

/** The parts of an enrollment request these checks read. */
interface RequestedPlace {
  accountId: string;
  /** Customer trails (names or ARNs); empty: the deployment default. */
  protectedTrails?: readonly string[];
}

/** Refuses accounts that must never carry the boundary (DESIGN: Accounts and roles). */
export function refuseReservedAccount(settings: FlowSettings, accountId: string): void {
  if (accountId === settings.securityAccountId) {
    throw new AccountRefusedError(
      accountId,
      'is the security account; its functions must never be bounded by the policy they enforce',
    );
  }
  if (accountId === settings.managementAccountId && !isEnrollableManagementAccount(settings, accountId)) {
    throw new AccountRefusedError(
      accountId,
      'is the management account; it is enrolled only when the deployment opts in (EnrollManagementAccount)',
    );
  }
}

/** The request's trails, else the deployment default; each one a trail of this account. */
export function protectedTrailsOf(ctx: FlowContext, request: RequestedPlace): string[] {
  const named = trailList(request.protectedTrails ?? []);
  const trails = named.length > 0 ? named : trailList(ctx.settings.protectedTrails ?? []);
  const where = { partition: ctx.settings.partition, accountId: request.accountId };
  const problems = trails.flatMap((trail) => trailReferenceProblem(trail, where) ?? []);
  if (problems.length > 0) throw new InvalidRequestError(`ProtectedTrails: ${problems.join('; ')}`);
  return trails;
}

/** The management account's lockout, refused like any refusal: before a record exists. */
export async function refuseManagementLockout(ctx: FlowContext, request: RequestedPlace, ouPath: string[]) {
  if (!isEnrollableManagementAccount(ctx.settings, request.accountId)) return;
  const compiled = await compileForAccount(ctx, policySnapshot(ctx.ports.policyStore, ctx.now), {
    accountId: request.accountId,
    ouPath,
    protectedTrails: request.protectedTrails ?? [],
  });
  if (!compiled.ok && compiled.error instanceof ManagementLockoutError) throw compiled.error;
}

export function trustWarningsOf(ctx: FlowContext, accountId: string): Promise<string[]> {
  return withAccountRetries(ctx, accountId, () =>
    inStep('whitelist-trust', () => checkWhitelistTrust(ctx, accountId)),
  );
}
