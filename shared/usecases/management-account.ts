/**
 * The management account enrolled (opt-in). Its boundary locks the organization's administrators
 * out when it denies an Organizations administration action to every principal it bounds while no
 * principal stays unbounded to do it: none of the named break-glass users or roles exists there.
 * scp-alt's own role and the StackSets administration role do not count (neither administers the
 * organization), nor does the root user (the emergency break-glass principals exist to avoid).
 */
import {
  administrationActionsDenied,
  type ManagementExemption,
  managementExemptions,
} from '#policy/management-account.ts';
import type { AdditionalPolicy, PolicyDocument } from '#policy/types.ts';
import { ManagementLockoutError } from '#shared/errors.ts';
import { boundaryParametersFor, type FlowContext, isEnrollableManagementAccount } from './flow-context.ts';

/** The refusal for a management-account boundary that locks the administrators out; else undefined. */
export async function managementLockout(
  ctx: FlowContext,
  accountId: string,
  compiled: { policy: PolicyDocument; additionalPolicies: AdditionalPolicy[] },
): Promise<ManagementLockoutError | undefined> {
  if (!isEnrollableManagementAccount(ctx.settings, accountId)) return undefined;
  const params = boundaryParametersFor(ctx.settings, accountId);
  const denied = administrationActionsDenied(params, compiled.policy, compiled.additionalPolicies);
  if (denied.length === 0) return undefined;
  const { breakGlassNames } = ctx.settings.managementAccount;
  if (await anyPrincipalNamed(ctx, accountId, breakGlassNames)) return undefined;
  return new ManagementLockoutError(accountId, denied, breakGlassNames);
}

/** The management account's exempt principals, each with whether it exists; undefined for other accounts. */
export async function managementExemptionsPresent(
  ctx: FlowContext,
  accountId: string,
): Promise<(ManagementExemption & { present: boolean })[] | undefined> {
  if (!isEnrollableManagementAccount(ctx.settings, accountId)) return undefined;
  const { roleName, breakGlassNames } = ctx.settings.managementAccount;
  const exemptions = managementExemptions({
    managementRoleName: roleName,
    breakGlassNames,
    whitelistRoleNames: ctx.settings.whitelistRoleNames,
  });
  return Promise.all(
    exemptions.map(async (exemption) => ({
      ...exemption,
      present: await anyPrincipalNamed(ctx, accountId, [exemption.name]),
    })),
  );
}

/** Whether a user or role of one of these names exists there (service-linked roles do not count). */
async function anyPrincipalNamed(
  ctx: FlowContext,
  accountId: string,
  names: readonly string[],
): Promise<boolean> {
  for (const name of names) {
    for (const kind of ['role', 'user'] as const) {
      const found = await ctx.ports.iam.readPrincipal(accountId, { kind, name });
      if (found && !found.path.startsWith('/aws-service-role/')) return true;
    }
  }
  return false;
}
