/**
 * Identity Center: the AWSReservedSSO_* roles of permission sets cannot be changed in IAM by anyone
 * but Identity Center, so their boundary is given where they come from. Every permission set
 * provisioned to enrolled accounts only gets scp-enforce-policy as its permissions boundary by
 * customer-managed policy reference (same name and path in every account), the additional policies
 * the chain needs by reference too, and is provisioned again to those accounts. Run by the
 * reconciler and on Identity Center tamper events of the management account.
 */
import { codeOf, errorText } from '#shared/errors.ts';
import { boundaryParametersFor, type FlowContext } from './flow-context.ts';
import {
  assessPermissionSet,
  isRoleOfPermissionSet,
  type PermissionSetAssessment,
  type PermissionSetVerdict,
} from './permission-set-assessment.ts';
import type { PermissionSet, ProvisioningFailure } from './ports.ts';
import { reportFailure, sendNotice } from './report-failure.ts';

export interface PermissionSetReport {
  name: string;
  arn: string;
  /** The verdict before this run; `bounded` when this run gave it our boundary. */
  state: PermissionSetVerdict | 'bounded' | 'failed';
  enrolledAccounts: string[];
  otherAccounts: string[];
  unevenReferences?: string[];
  problems?: string[];
}

export interface GovernOptions {
  /** Only the permission sets with these ARNs (a tamper event); all when absent. */
  only?: readonly string[];
  /** Only the permission sets provisioned to this account (an enrollment). */
  account?: string;
  /**
   * Identity Center roles found without our boundary in enrolled accounts (the reconcile sweep):
   * a governed permission set is provisioned again to the accounts where its role is among them.
   */
  unboundRoles?: readonly string[];
}

export async function governPermissionSets(
  ctx: FlowContext,
  options: GovernOptions = {},
): Promise<PermissionSetReport[] | undefined> {
  const assessed = await assessAll(ctx);
  if (!assessed) return undefined;
  const reports: PermissionSetReport[] = [];
  for (const { set, assessment } of assessed.sets) {
    if (options.only && !options.only.includes(set.arn)) continue;
    if (options.account && !set.accountIds.includes(options.account)) continue;
    reports.push(await governOne(ctx, set, assessment, assessed.boundaryName, options.unboundRoles ?? []));
  }
  await reportUngoverned(ctx, reports);
  return reports;
}

/** Every permission set of the instance weighed against the account records; undefined when not governed. */
async function assessAll(ctx: FlowContext) {
  const identityCenter = ctx.ports.identityCenter;
  if (!identityCenter) return undefined;
  const records = await ctx.ports.accounts.listAll();
  // The same name in every account: what a reference to it needs.
  const boundaryName = boundaryParametersFor(ctx.settings, ctx.settings.securityAccountId).policyName;
  const sets = (await identityCenter.listPermissionSets()).map((set) => ({
    set,
    assessment: assessPermissionSet(set, records, boundaryName),
  }));
  return { sets, boundaryName };
}

/** A failure here is reported and leaves the accounts' results standing. */
export async function governPermissionSetsSafely(
  ctx: FlowContext,
  unboundRoles: string[],
  options: Pick<GovernOptions, 'account'> = {},
): Promise<{ permissionSets?: PermissionSetReport[]; identityCenterError?: string }> {
  try {
    const permissionSets = await governPermissionSets(ctx, { ...options, unboundRoles });
    return permissionSets ? { permissionSets } : {};
  } catch (error) {
    await reportFailure(ctx, error, {
      step: 'identity-center',
      ...(options.account ? { accountId: options.account } : {}),
    });
    return { identityCenterError: `${codeOf(error)}: ${errorText(error)}` };
  }
}

/** Every permission set with its verdict; nothing is written (`scp-alt status`, `plan`). */
export async function permissionSetStates(ctx: FlowContext): Promise<PermissionSetReport[] | undefined> {
  return (await assessAll(ctx))?.sets.map(({ set, assessment }) => reportOf(set, assessment));
}

function reportOf(set: PermissionSet, assessment: PermissionSetAssessment): PermissionSetReport {
  return {
    name: set.name,
    arn: set.arn,
    state: assessment.verdict,
    enrolledAccounts: assessment.enrolledAccounts,
    otherAccounts: assessment.otherAccounts,
    ...(assessment.unevenReferences.length > 0 ? { unevenReferences: assessment.unevenReferences } : {}),
  };
}

/**
 * A `to-bound` permission set gets what it lacks and is provisioned to its accounts; a `governed`
 * one is provisioned again only where its role was found without our boundary.
 */
async function governOne(
  ctx: FlowContext,
  set: PermissionSet,
  assessment: PermissionSetAssessment,
  boundaryName: string,
  unbound: readonly string[],
): Promise<PermissionSetReport> {
  const report = reportOf(set, assessment);
  const stale =
    assessment.verdict === 'governed'
      ? assessment.enrolledAccounts.filter((accountId) =>
          unbound.some((arn) => arn.includes(`:${accountId}:`) && isRoleOfPermissionSet(arn, set.name)),
        )
      : [];
  if (assessment.verdict !== 'to-bound' && stale.length === 0) return report;
  const identityCenter = ctx.ports.identityCenter;
  if (!identityCenter) return report;
  try {
    if (assessment.needsBoundary) await identityCenter.setBoundary(set, { name: boundaryName, path: '/' });
    for (const reference of assessment.missingReferences)
      await identityCenter.attachPolicyReference(set, reference);
    const targets = assessment.verdict === 'to-bound' ? assessment.enrolledAccounts : stale;
    const failures = await identityCenter.provision(set, targets);
    ctx.log.info('permission set provisioned with our boundary', {
      permissionSet: set.name,
      accounts: targets,
    });
    return failures.length === 0
      ? { ...report, state: 'bounded' }
      : { ...report, state: 'failed', problems: failures.map(failureText) };
  } catch (error) {
    return { ...report, state: 'failed', problems: [errorText(error)] };
  }
}

function failureText(failure: ProvisioningFailure): string {
  return `${failure.accountId}: ${failure.reason}`;
}

/** One notice per kind: the permission sets refused, and those whose provisioning failed. */
async function reportUngoverned(ctx: FlowContext, reports: readonly PermissionSetReport[]): Promise<void> {
  const refused = reports.filter(
    (report) =>
      report.state === 'spans-unenrolled' || report.state === 'own-boundary' || report.unevenReferences,
  );
  if (refused.length > 0)
    await sendNotice(ctx, {
      code: 'PERMISSION_SET_NOT_GOVERNED',
      step: 'identity-center',
      reason: `${refused.length} permission set(s) provisioned to enrolled accounts lack our boundary or policies`,
      details: refused.map(refusalText),
    });
  const failed = reports.filter((report) => report.state === 'failed');
  if (failed.length > 0)
    await sendNotice(ctx, {
      code: 'PERMISSION_SET_PROVISIONING_FAILED',
      step: 'identity-center',
      reason: `${failed.length} permission set(s) could not be provisioned with our boundary`,
      details: failed.flatMap((report) =>
        (report.problems ?? []).map((problem) => `${report.name}: ${problem}`),
      ),
    });
}

function refusalText(report: PermissionSetReport): string {
  const where = `enrolled ${report.enrolledAccounts.join(',')}`;
  if (report.state === 'spans-unenrolled')
    return `${report.name} (${where}) is also provisioned to accounts not enrolled: ${report.otherAccounts.join(',')}`;
  if (report.state === 'own-boundary')
    return `${report.name} (${where}) has a permissions boundary of its own`;
  return `${report.name} (${where}) lacks ${report.unevenReferences?.join(',')}: only some of its accounts hold them`;
}

/** A management-account Identity Center call that may have loosened a permission set. */
export interface IdentityCenterEvent {
  eventId: string;
  eventName: string;
  permissionSetArn: string;
}

export interface IdentityCenterEventOutcome {
  eventId: string;
  eventName: string;
  permissionSets: PermissionSetReport[];
}

/**
 * Looks at the permission set the event names again: ours back on it and provisioned again where it
 * had been taken off (reported as tampering), refused ones reported.
 */
export async function respondToIdentityCenterEvent(
  ctx: FlowContext,
  event: IdentityCenterEvent,
): Promise<IdentityCenterEventOutcome> {
  const permissionSets = (await governPermissionSets(ctx, { only: [event.permissionSetArn] })) ?? [];
  const restored = permissionSets.filter((report) => report.state === 'bounded');
  if (restored.length > 0)
    await sendNotice(ctx, {
      code: 'TAMPERING_DETECTED',
      step: `identity-center ${event.eventName}`,
      reason: `${event.eventName} left permission set ${restored.map((r) => r.name).join(', ')} without our boundary or policies`,
      details: restored.map(
        (report) =>
          `${report.name}: our boundary set again and provisioned to ${report.enrolledAccounts.join(',')}`,
      ),
    });
  return { eventId: event.eventId, eventName: event.eventName, permissionSets };
}
