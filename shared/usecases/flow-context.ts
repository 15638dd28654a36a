import { type BoundaryParameters, defaultBoundaryParameters } from '#policy/index.ts';
import { managementAccountParameters } from '#policy/management-account.ts';
import { DEFAULT_STANDALONE_ROLE_NAME } from '#policy/virtual-ou.ts';
import type { Clock } from '#runtime/clock.ts';
import type { Deadline } from '#runtime/deadline.ts';
import type { AccountRetryOptions } from '#runtime/retry.ts';
import type { AppConfig } from '#shared/config.ts';
import type { Log, ScpAltPorts } from './ports.ts';

/** The configuration the use cases read; a subset of AppConfig so tests can spell it out. */
export type FlowSettings = Pick<
  AppConfig,
  | 'partition'
  | 'securityAccountId'
  | 'managementAccountId'
  | 'organizationAccessRoleName'
  | 'whitelistRoleNames'
  | 'automationRoleArns'
  | 'requireBoundaryOnCreate'
  | 'fanoutConcurrency'
  | 'maxAdditionalPolicies'
> &
  Partial<
    Pick<
      AppConfig,
      | 'whitelistTrustAllowedArns'
      | 'whitelistTrustCheck'
      | 'protectedTrails'
      | 'computeAuditRegions'
      | 'localEndpoint'
      | 'accountWorkInlineMax'
    >
  > & {
    /** Automatic enrollment of arriving accounts; absent = off (the CLI and tests that do not set it). */
    arrivals?: AppConfig['arrivals'];
    /** The management account's enrollment; absent = the management account is never enrolled. */
    managementAccount?: AppConfig['managementAccount'];
    /** The standalone access role's name; absent = scp-alt-standalone-access. */
    standaloneRoleName?: AppConfig['standaloneRoleName'];
    /** Accounts outside the organization the deployment admits as standalone; absent = none. */
    standaloneAccountIds?: AppConfig['standaloneAccountIds'];
  };

/** What every use case receives: its ports, settings, a logger and a clock. */
export interface FlowContext {
  ports: ScpAltPorts;
  settings: FlowSettings;
  log: Log;
  now: Clock;
  /** Principals updated in parallel inside one account (IAM throttles writes per account). */
  principalConcurrency?: number;
  /** Set by handlers per invocation: fan-outs stop starting accounts once it is reached. */
  deadline?: Deadline;
  /** Retries of one account's work after a transient failure (tests shorten the waits). */
  retry?: AccountRetryOptions;
}

export const DEFAULT_PRINCIPAL_CONCURRENCY = 8;

/**
 * The boundary parameters of one account. `protectedTrails` are the customer trails its record
 * names; they only add resources to protect, so leaving them out never weakens anything but them.
 */
export function boundaryParametersFor(
  settings: FlowSettings,
  accountId: string,
  protectedTrails: readonly string[] = [],
): BoundaryParameters {
  return defaultBoundaryParameters({
    partition: settings.partition,
    accountId,
    organizationAccessRoleName: accessRoleNameFor(settings, accountId),
    automationRoleArns: settings.automationRoleArns,
    whitelistRoleNames: settings.whitelistRoleNames,
    requireBoundaryOnCreate: settings.requireBoundaryOnCreate,
    protectedTrails: [...protectedTrails],
    ...(isEnrollableManagementAccount(settings, accountId)
      ? managementAccountParameters({
          managementRoleName: settings.managementAccount.roleName,
          breakGlassNames: settings.managementAccount.breakGlassNames,
          whitelistRoleNames: settings.whitelistRoleNames,
        })
      : {}),
  });
}

/** True for the management account when the deployment lets it be enrolled. */
export function isEnrollableManagementAccount(
  settings: FlowSettings,
  accountId: string,
): settings is FlowSettings & { managementAccount: NonNullable<FlowSettings['managementAccount']> } {
  return accountId === settings.managementAccountId && settings.managementAccount?.enrollable === true;
}

/** True for an account the deployment admits as standalone (StandaloneAccountIds). */
export function isStandaloneAccount(settings: FlowSettings, accountId: string): boolean {
  return settings.standaloneAccountIds?.includes(accountId) ?? false;
}

/**
 * The role scp-alt reaches the account through, exempt there as the organization access role is
 * in a member: the management role in the management account, the standalone access role in a
 * standalone account, else the organization access role.
 */
export function accessRoleNameFor(settings: FlowSettings, accountId: string): string {
  if (isEnrollableManagementAccount(settings, accountId)) return settings.managementAccount.roleName;
  if (isStandaloneAccount(settings, accountId))
    return settings.standaloneRoleName ?? DEFAULT_STANDALONE_ROLE_NAME;
  return settings.organizationAccessRoleName;
}

export function nowIso(ctx: FlowContext): string {
  return ctx.now().toISOString();
}
