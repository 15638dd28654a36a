/**
 * The reconciler's run: every enrolled account compared with its desired state and repaired
 * (reconcile-account.ts), inline when they are one worker batch or fewer, otherwise one message
 * each on the account work queue; then one summary of what drifted, the exposures it cannot close,
 * the organization's OU changes and the Identity Center permission sets governed.
 */
import { codeOf, errorText } from '#shared/errors.ts';
import { type PolicySnapshot, policySnapshot } from './compile-account.ts';
import { type AccountExposures, auditExposuresSafely, reportExposures } from './exempt-exposure.ts';
import { fanOutAccounts } from './fan-out.ts';
import type { FlowContext } from './flow-context.ts';
import { governPermissionSetsSafely, type PermissionSetReport } from './identity-center.ts';
import { noticeOrganizationChanges, readOrganizationIndex } from './organization-index.ts';
import type { Placement } from './organization-membership.ts';
import type { AccountRecord, AccountWorkItem } from './ports.ts';
import { queueLargeFanOut } from './queue-fan-out.ts';
import { type AccountDrift, hasDrifted, reconcileAccount } from './reconcile-account.ts';
import { sendNotice } from './report-failure.ts';

export type { AccountDrift } from './reconcile-account.ts';

export interface ReconcileReport {
  checked: number;
  drifted: AccountDrift[];
  /** Accounts with ways around the boundary it cannot close itself (exempt-exposure.ts); absent when none. */
  exposed?: AccountExposures[];
  /** Accounts closed out or left alone as UNREACHABLE. */
  unreachable: string[];
  /**
   * Accounts handed to the account worker (more than one worker batch): each is reconciled there,
   * and each worker batch sends its own summary; `drifted` and `exposed` are then empty here.
   */
  queued?: number;
  /** Why the organization could not be read (the records' paths were used instead). */
  organizationError?: string;
  /** Identity Center permission sets and what this run did to them; absent when not governed. */
  permissionSets?: PermissionSetReport[];
  /** Why Identity Center could not be read or written. */
  identityCenterError?: string;
}

/** An enrollment still ENROLLING after this long died with its function (the longest timeout is 15 min). */
export const STALE_ENROLLING_MS = 20 * 60 * 1000;

/**
 * Compares every enrolled account with its desired state, repairs what differs, and sends one
 * summary when anything was repaired or could not be. Never loosens: a policy that cannot be
 * compiled leaves the deployed boundary as it is and is reported.
 */
export async function reconcileAccounts(ctx: FlowContext): Promise<ReconcileReport> {
  const now = ctx.now().getTime();
  const records = (await ctx.ports.accounts.listAll()).filter((record) => isReconcilable(record, now));
  const snapshot = policySnapshot(ctx.ports.policyStore, ctx.now);
  // Every account's place from one read of the tree, not from the records.
  const organization = await readOrganizationIndex(ctx);
  const index = 'index' in organization ? organization.index : undefined;
  const placementOf = (accountId: string) => index?.placementOf(accountId);
  const accountIds = records.map((record) => record.accountId);
  const queued = await queueLargeFanOut(
    ctx,
    accountIds.map((accountId) => reconcileWorkItem(accountId, placementOf(accountId))),
  );
  const reconciled = queued
    ? []
    : await fanOutAccounts(
        ctx,
        accountIds,
        (accountId) => reconcileAndAudit(ctx, snapshot, accountId, placementOf(accountId)),
        (accountId, error): ReconciledAccount => ({
          drift: {
            accountId,
            policyRewritten: false,
            attached: [],
            problems: [`${codeOf(error)}: ${errorText(error)}`],
          },
        }),
        { step: 'reconcile' },
      );
  if (index)
    await noticeOrganizationChanges(
      ctx,
      index,
      (await snapshot.objects()).map((object) => object.key),
    );
  const organizationError = 'error' in organization ? organization.error : undefined;
  // Governed on every run: a permission set may need our boundary whatever drifted.
  const reported = await reportReconciled(ctx, reconciled, { organizationError, governAlways: true });
  return {
    ...reported,
    checked: records.length,
    ...(queued ? { queued: records.length } : {}),
    ...(organizationError ? { organizationError } : {}),
  };
}

/** One account's share of a reconcile: repaired, then audited for exposures unless unreachable. */
export interface ReconciledAccount {
  drift: AccountDrift;
  exposures?: AccountExposures;
}

export async function reconcileAndAudit(
  ctx: FlowContext,
  snapshot: PolicySnapshot,
  accountId: string,
  placement: Placement | undefined,
): Promise<ReconciledAccount> {
  const drift = await reconcileAccount(ctx, snapshot, accountId, placement);
  if (drift.unreachable) return { drift };
  return { drift, exposures: await auditExposuresSafely(ctx, accountId) };
}

/** The queue message of a reconciled account: it carries the placement read from the run's one tree. */
function reconcileWorkItem(accountId: string, placement: Placement | undefined): AccountWorkItem {
  return { accountId, reason: 'reconcile', ...(placement ? { placement } : {}) };
}

type ReconciledReport = Pick<
  ReconcileReport,
  'drifted' | 'exposed' | 'unreachable' | 'permissionSets' | 'identityCenterError'
>;

/**
 * What a run, or one account worker batch of a queued run, reconciled: one summary of the accounts
 * that drifted (and of the organization not read), the exposures nothing here repairs (reported on
 * every run for as long as they exist), and the Identity Center permission sets: governed always
 * by a run, by a worker batch only where it found Identity Center roles without our boundary.
 */
export async function reportReconciled(
  ctx: FlowContext,
  reconciled: readonly ReconciledAccount[],
  options: { organizationError?: string | undefined; governAlways: boolean },
): Promise<ReconciledReport> {
  const drifts = reconciled.map((account) => account.drift);
  const drifted = drifts.filter(hasDrifted);
  if (drifted.length > 0 || options.organizationError)
    await sendSummary(ctx, drifted, options.organizationError);
  const exposed = reconciled.flatMap(({ exposures }) =>
    exposures && exposures.trust.length + exposures.compute.length + exposures.unread.length > 0
      ? [exposures]
      : [],
  );
  await reportExposures(ctx, exposed, 'reconcile');
  const unboundRoles = drifts.flatMap((drift) => drift.identityCenterRoles ?? []);
  const identityCenter =
    options.governAlways || unboundRoles.length > 0
      ? await governPermissionSetsSafely(ctx, unboundRoles)
      : {};
  return {
    ...identityCenter,
    drifted,
    unreachable: drifts.filter((drift) => drift.unreachable).map((drift) => drift.accountId),
    ...(exposed.length > 0 ? { exposed } : {}),
  };
}

function isReconcilable(record: AccountRecord, now: number): boolean {
  // UNREACHABLE ones are looked at without a call into them, unless Organizations lists them active.
  if (record.status === 'ACTIVE' || record.status === 'FAILED' || record.status === 'UNREACHABLE')
    return true;
  const since = Date.parse(record.updatedAt);
  return record.status === 'ENROLLING' && Number.isFinite(since) && now - since > STALE_ENROLLING_MS;
}

async function sendSummary(
  ctx: FlowContext,
  drifted: AccountDrift[],
  organizationError: string | undefined,
): Promise<void> {
  const failed = drifted.filter((drift) => drift.problems.length > 0);
  const unread = organizationError
    ? [`organization not read (${organizationError}): OU paths taken from the records`]
    : [];
  await sendNotice(ctx, {
    code: failed.length > 0 || organizationError ? 'RECONCILE_INCOMPLETE' : 'DRIFT_REPAIRED',
    step: 'reconcile',
    ...(drifted.length === 1 ? { accountId: drifted[0]?.accountId } : {}),
    reason: `${drifted.length} account(s) drifted, ${failed.length} could not be fully repaired`,
    details: [...unread, ...drifted.map(describeDrift)],
  });
}

function describeDrift(drift: AccountDrift): string {
  const parts = [
    drift.moved ? `moved ${drift.moved.from.join('/')} → ${drift.moved.to.join('/')}` : '',
    drift.reachableAgain ? 'reachable again' : '',
    drift.policyRewritten ? 'policy rewritten' : '',
    `${drift.attached.length} boundary(ies) re-attached`,
    drift.derived ? `${drift.derived.rebuilt.length} derived policy(ies) rebuilt` : '',
    drift.additional?.attached.length
      ? `additional policies re-attached to ${drift.additional.attached.length} principal(s)`
      : '',
    drift.additional?.removed.length ? `removed ${drift.additional.removed.join(', ')}` : '',
    drift.problems.length > 0 ? `problems: ${drift.problems.join(' | ')}` : '',
  ];
  return `${drift.accountId}: ${parts.filter(Boolean).join('; ')}`;
}
