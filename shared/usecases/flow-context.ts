import { type BoundaryParameters, defaultBoundaryParameters } from '#policy/index.ts';
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
    organizationAccessRoleName: settings.organizationAccessRoleName,
    automationRoleArns: settings.automationRoleArns,
    whitelistRoleNames: settings.whitelistRoleNames,
    requireBoundaryOnCreate: settings.requireBoundaryOnCreate,
    protectedTrails: [...protectedTrails],
  });
}

export function nowIso(ctx: FlowContext): string {
  return ctx.now().toISOString();
}
