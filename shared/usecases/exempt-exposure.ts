/**
 * Ways around the boundary that it cannot close from inside the account, looked for at enrollment
 * and on every reconcile, and reported:
 * - a whitelisted role whose trust admits more than the whitelist exists for (a door planted before
 *   enrollment: whoever the trust admits acts without the boundary);
 * - compute that runs as an exempt role (organization access role, whitelisted roles) or as an
 *   automation role: whoever can change the function's code, the instance or the stack acts as
 *   that role, and no PassRole is needed for it.
 */

import { isExemptPrincipal, organizationAccessRoleArn } from '#policy/index.ts';
import { STACKSETS_ADMINISTRATION_ROLE_NAME } from '#policy/management-account.ts';
import { partitionInfo } from '#policy/partition.ts';
import {
  stackSetsAdministrationArns,
  type TrustAdmission,
  unexpectedAdmissions,
} from '#policy/trust-admissions.ts';
import { AccountRefusedError, errorText } from '#shared/errors.ts';
import { boundaryParametersFor, type FlowContext, isEnrollableManagementAccount } from './flow-context.ts';
import type { RoleTrust, RoleUse } from './ports.ts';
import { sendNotice } from './report-failure.ts';

export interface TrustExposure extends TrustAdmission {
  roleArn: string;
}

export interface AccountExposures {
  accountId: string;
  trust: TrustExposure[];
  compute: RoleUse[];
  /** What could not be read: not known to be free of exposures. */
  unread: string[];
}

/** The principals a whitelisted role's trust may admit (WhitelistTrustAllowedArns). */
export function allowedWhitelistTrust(ctx: FlowContext): string[] {
  const { settings } = ctx;
  return settings.whitelistTrustAllowedArns && settings.whitelistTrustAllowedArns.length > 0
    ? settings.whitelistTrustAllowedArns
    : stackSetsAdministrationArns(settings.partition, settings.managementAccountId);
}

/** One member account's exposures; `compute` also reads its functions, instance profiles and stacks. */
export async function auditExposures(
  ctx: FlowContext,
  accountId: string,
  options: { compute: boolean },
): Promise<AccountExposures> {
  const roles = await ctx.ports.inventory.listRoleTrusts(accountId);
  const exposures: AccountExposures = {
    accountId,
    trust: trustExposures(ctx, accountId, roles),
    compute: [],
    unread: [],
  };
  if (!options.compute) return exposures;
  const found = await ctx.ports.inventory.computeUsingRoles(
    accountId,
    unboundedRoleArns(ctx, accountId, roles),
    auditRegions(ctx),
  );
  return { ...exposures, compute: found.uses, unread: found.unread };
}

/** Like auditExposures, but a failure becomes an `unread` entry: a reconcile always goes on. */
export async function auditExposuresSafely(ctx: FlowContext, accountId: string): Promise<AccountExposures> {
  try {
    return await auditExposures(ctx, accountId, { compute: true });
  } catch (error) {
    return { accountId, trust: [], compute: [], unread: [`the account's roles: ${errorText(error)}`] };
  }
}

function trustExposures(ctx: FlowContext, accountId: string, roles: RoleTrust[]): TrustExposure[] {
  const params = boundaryParametersFor(ctx.settings, accountId);
  const allowed = allowedWhitelistTrust(ctx);
  // The management account's own exemptions are admitted by design: the StackSets administration
  // role by CloudFormation, a break-glass principal by whoever the operator keeps the glass for.
  const byDesign = new Set(managementExemptionNames(ctx, accountId));
  return roles
    .filter((role) => isWhitelisted(role, params) && !byDesign.has(role.name))
    .flatMap((role) =>
      unexpectedAdmissions(role.trustPolicy, ctx.settings.partition, allowed).map((admission) => ({
        ...admission,
        roleArn: role.arn,
      })),
    );
}

function managementExemptionNames(ctx: FlowContext, accountId: string): string[] {
  if (!isEnrollableManagementAccount(ctx.settings, accountId)) return [];
  return [STACKSETS_ADMINISTRATION_ROLE_NAME, ...ctx.settings.managementAccount.breakGlassNames];
}

/** Whitelisted by name: exempt, but neither the organization access role nor service-linked. */
function isWhitelisted(role: RoleTrust, params: ReturnType<typeof boundaryParametersFor>): boolean {
  return (
    role.arn !== organizationAccessRoleArn(params) &&
    !role.path.startsWith('/aws-service-role/') &&
    isExemptPrincipal({ kind: 'role', ...role }, params)
  );
}

/** Roles without our boundary or past the protective statements: exempt ones and automation roles. */
function unboundedRoleArns(ctx: FlowContext, accountId: string, roles: RoleTrust[]): string[] {
  const params = boundaryParametersFor(ctx.settings, accountId);
  const exempt = roles
    .filter((role) => !role.path.startsWith('/aws-service-role/'))
    .filter((role) => isExemptPrincipal({ kind: 'role', ...role }, params))
    .map((role) => role.arn);
  const automation = ctx.settings.automationRoleArns.filter((arn) => arn.includes(`:${accountId}:`));
  return [...new Set([...exempt, ...automation])].sort();
}

function auditRegions(ctx: FlowContext): string[] {
  const regions = ctx.settings.computeAuditRegions ?? [];
  return regions.length > 0 ? regions : [partitionInfo(ctx.settings.partition).iamEventsRegion];
}

/**
 * At enrollment: a whitelisted role whose trust admits more than the whitelist is for is reported
 * (the returned lines become the enrollment's warnings), or with WhitelistTrustCheck=refuse the
 * account is refused before anything in it is touched. Nothing else is read here.
 */
export async function checkWhitelistTrust(ctx: FlowContext, accountId: string): Promise<string[]> {
  const exposures = await auditExposures(ctx, accountId, { compute: false });
  if (exposures.trust.length === 0) return [];
  const lines = exposures.trust.map(describeTrustExposure);
  if (ctx.settings.whitelistTrustCheck === 'refuse')
    throw new AccountRefusedError(accountId, `not enrolled: ${lines.join('; ')}`, 'WHITELIST_TRUST_OPEN');
  await reportExposures(ctx, [exposures], 'whitelist-trust');
  return lines;
}

export function describeTrustExposure(exposure: TrustExposure): string {
  return `whitelisted role ${exposure.roleArn} admits ${exposure.principal} (trust ${exposure.statement})`;
}

function describeUse(use: RoleUse): string {
  const what = {
    'lambda-function': 'Lambda function',
    'instance-profile': 'instance profile',
    'cloudformation-stack': 'CloudFormation stack',
  }[use.kind];
  return `${what} ${use.arn} runs as ${use.roleArn}`;
}

/** One notice per kind of exposure for the accounts given (none when there is nothing to say). */
export async function reportExposures(
  ctx: FlowContext,
  audited: AccountExposures[],
  step: string,
): Promise<void> {
  const withTrust = audited.filter((account) => account.trust.length > 0);
  const withCompute = audited.filter((account) => account.compute.length > 0 || account.unread.length > 0);
  if (withTrust.length > 0) {
    await sendNotice(ctx, {
      code: 'WHITELIST_TRUST_OPEN',
      step,
      ...oneAccount(withTrust),
      reason: `${withTrust.length} account(s) have whitelisted roles whose trust admits more than the whitelist is for`,
      details: withTrust.flatMap((account) => account.trust.map(describeTrustExposure)),
    });
  }
  if (withCompute.length > 0) {
    const count = withCompute.reduce((sum, account) => sum + account.compute.length, 0);
    await sendNotice(ctx, {
      code: 'EXEMPT_ROLE_IN_USE',
      step,
      ...oneAccount(withCompute),
      reason: `${count} function(s), instance profile(s) or stack(s) run as roles the boundary does not bind`,
      details: withCompute.flatMap((account) => [
        ...account.compute.map((use) => `${account.accountId}: ${describeUse(use)}`),
        ...account.unread.map((what) => `${account.accountId}: not checked, ${what}`),
      ]),
    });
  }
}

function oneAccount(accounts: AccountExposures[]): { accountId?: string } {
  const [only] = accounts;
  return accounts.length === 1 && only ? { accountId: only.accountId } : {};
}
