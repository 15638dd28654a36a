import { type ManagedPolicyDocument, policyHash } from '#policy/index.ts';
import { codeOf, errorText, inStep } from '#shared/errors.ts';
import { inEnrollmentOrDeregistration, markFailed, updateAccountRecord } from './account-records.ts';
import { withAccountRetries } from './account-retry.ts';
import { compileForAccount, type PolicySnapshot, policySnapshot } from './compile-account.ts';
import { type AccountExposures, auditExposuresSafely, reportExposures } from './exempt-exposure.ts';
import { fanOutAccounts } from './fan-out.ts';
import type { FlowContext } from './flow-context.ts';
import type { AccountRecord } from './ports.ts';
import { attachBoundaryToAllPrincipals, customerBoundaryArns } from './principal-sweep.ts';
import { sendNotice } from './report-failure.ts';
import { newLeaseOwner, releasedRecord, withWriteLease } from './write-lease.ts';

export interface AccountDrift {
  accountId: string;
  /** A new default policy version was written (content or default version had drifted). */
  policyRewritten: boolean;
  /** Principals that had lost (or never got) our boundary and received it now. */
  attached: string[];
  /** Customer policies whose derived policy was rebuilt, and principals that received one. */
  derived?: { rebuilt: string[]; attached: string[] };
  /** Principals or steps that could not be repaired. */
  problems: string[];
}

export interface ReconcileReport {
  checked: number;
  drifted: AccountDrift[];
  /** Accounts with ways around the boundary it cannot close itself (exempt-exposure.ts); absent when none. */
  exposed?: AccountExposures[];
}

/** An enrollment still ENROLLING after this long died with its function (the longest timeout is 15 min). */
export const STALE_ENROLLING_MS = 20 * 60 * 1000;

/**
 * Compares every enrolled account with its desired state (compiled policy as default version,
 * boundary or derived boundary on every non-exempt principal), repairs what differs, and sends one
 * summary when anything was repaired or could not be. Never loosens: a policy that cannot be
 * compiled leaves the deployed boundary as it is and is reported.
 */
export async function reconcileAccounts(ctx: FlowContext): Promise<ReconcileReport> {
  const now = ctx.now().getTime();
  const records = (await ctx.ports.accounts.listAll()).filter((record) => isReconcilable(record, now));
  const snapshot = policySnapshot(ctx.ports.policyStore, ctx.now);
  const audited: AccountExposures[] = [];
  const drifts = await fanOutAccounts(
    ctx,
    records.map((record) => record.accountId),
    async (accountId) => {
      const drift = await reconcileAccount(ctx, snapshot, accountId);
      audited.push(await auditExposuresSafely(ctx, accountId));
      return drift;
    },
    (accountId, error): AccountDrift => ({
      accountId,
      policyRewritten: false,
      attached: [],
      problems: [`${codeOf(error)}: ${errorText(error)}`],
    }),
    { step: 'reconcile' },
  );
  const drifted = drifts.filter(hasDrifted);
  if (drifted.length > 0) await sendSummary(ctx, drifted);
  // Reported on every run for as long as they exist: nothing here repairs them.
  const exposed = audited.filter(
    (account) => account.trust.length + account.compute.length + account.unread.length > 0,
  );
  await reportExposures(ctx, exposed, 'reconcile');
  return { checked: records.length, drifted, ...(exposed.length > 0 ? { exposed } : {}) };
}

function isReconcilable(record: AccountRecord, now: number): boolean {
  if (record.status === 'ACTIVE' || record.status === 'FAILED') return true;
  const since = Date.parse(record.updatedAt);
  return record.status === 'ENROLLING' && Number.isFinite(since) && now - since > STALE_ENROLLING_MS;
}

function hasDrifted(drift: AccountDrift): boolean {
  return (
    drift.policyRewritten ||
    drift.attached.length > 0 ||
    (drift.derived?.rebuilt.length ?? 0) > 0 ||
    (drift.derived?.attached.length ?? 0) > 0 ||
    drift.problems.length > 0
  );
}

/** Reconciles one account; never throws (a failure is recorded and becomes a problem). */
export async function reconcileAccount(
  ctx: FlowContext,
  snapshot: PolicySnapshot,
  accountId: string,
): Promise<AccountDrift> {
  try {
    return await withAccountRetries(ctx, accountId, () => repairAccount(ctx, snapshot, accountId));
  } catch (error) {
    const problem = `${codeOf(error)}: ${errorText(error)}`;
    await markFailed(ctx, accountId, problem);
    return { accountId, policyRewritten: false, attached: [], problems: [problem] };
  }
}

async function repairAccount(
  ctx: FlowContext,
  snapshot: PolicySnapshot,
  accountId: string,
): Promise<AccountDrift> {
  const drift: AccountDrift = { accountId, policyRewritten: false, attached: [], problems: [] };
  const record = await ctx.ports.accounts.get(accountId);
  if (!record) return drift; // deregistered meanwhile
  const compiled = await compileForAccount(ctx, snapshot, {
    accountId,
    ouPath: record.ouPath,
    protectedTrails: record.protectedTrails,
  });
  const current = await inStep('read-policy', () => ctx.ports.iam.readBoundaryPolicy(accountId));
  // A policy that cannot be compiled now leaves the deployed one in force (the stricter, known
  // state): principals that lost it still get it back, and the compile error is the problem.
  if (!compiled.ok && !current) throw compiled.error;
  const desired: ManagedPolicyDocument | undefined = compiled.ok ? compiled.policy : current?.document;
  // Compares the default version's content, so a SetDefaultPolicyVersion to an old version counts.
  const rewrite =
    compiled.ok && (!current || policyHash(current.document) !== compiled.hash)
      ? await rewriteUnderLease(ctx, snapshot, record, compiled.policy, current?.versionId)
      : undefined;
  const deployed = rewrite?.written ?? current;
  const leased = rewrite?.written ? rewrite.lease : undefined;
  // Not written (a policy change applied a newer listing while we compared, or enrollment or
  // deregistration took the account over): what is deployed stands, and so do its record fields.
  const superseded = rewrite !== undefined && !rewrite.written;
  drift.policyRewritten = leased !== undefined;
  const policyArn = deployed?.policyArn ?? ctx.ports.iam.policyArnFor(accountId);
  const sweep = await inStep('attach-boundaries', () =>
    attachBoundaryToAllPrincipals(ctx, accountId, policyArn, {
      // Derived policies are rebuilt from our document only when it is the one deployed.
      ...(desired && !superseded ? { ourDocument: desired } : {}),
      knownCustomerArns: record.customerBoundaryArns,
    }),
  );
  drift.attached = sweep.attached;
  if (sweep.derivedRewritten.length > 0 || sweep.derivedAttached.length > 0) {
    drift.derived = { rebuilt: [...sweep.derivedRewritten], attached: sweep.derivedAttached };
  }
  if (!compiled.ok) drift.problems.push(`${compiled.error.code}: ${errorText(compiled.error)}`);
  drift.problems.push(...sweep.failed.map((failure) => `${failure.principalArn}: ${failure.reason}`));
  await updateAccountRecord(ctx, accountId, (latest) =>
    latest
      ? {
          ...(leased ? releasedRecord(latest, leased.owner, leased.listedAtMs) : latest),
          ...(compiled.ok && !superseded
            ? { policyFileKeys: compiled.sources, compiledHash: compiled.hash }
            : {}),
          boundaryVersionId: superseded
            ? latest.boundaryVersionId
            : (deployed?.versionId ?? latest.boundaryVersionId),
          customerBoundaryArns: customerBoundaryArns(sweep),
          status: drift.problems.length === 0 ? 'ACTIVE' : 'FAILED',
          lastError: drift.problems[0],
        }
      : undefined,
  );
  return drift;
}

/** Writes the desired policy under the account's write lease; no write when the lease says not to. */
async function rewriteUnderLease(
  ctx: FlowContext,
  snapshot: PolicySnapshot,
  record: AccountRecord,
  policy: ManagedPolicyDocument,
  lastVersionId: string | undefined,
): Promise<{
  written?: { policyArn: string; versionId: string };
  lease: { owner: string; listedAtMs: number };
}> {
  const lease = { owner: newLeaseOwner(), listedAtMs: await snapshot.listedAtMs() };
  const outcome = await withWriteLease(
    ctx,
    record,
    { ...lease, stillNeeded: (current) => !inEnrollmentOrDeregistration(current) },
    () =>
      inStep('write-policy', () =>
        ctx.ports.iam.writeBoundaryPolicy(record.accountId, policy, { lastVersionId }),
      ),
  );
  return outcome.held ? { written: outcome.value, lease } : { lease };
}

async function sendSummary(ctx: FlowContext, drifted: AccountDrift[]): Promise<void> {
  const failed = drifted.filter((drift) => drift.problems.length > 0);
  await sendNotice(ctx, {
    code: failed.length > 0 ? 'RECONCILE_INCOMPLETE' : 'DRIFT_REPAIRED',
    step: 'reconcile',
    ...(drifted.length === 1 ? { accountId: drifted[0]?.accountId } : {}),
    reason: `${drifted.length} account(s) drifted, ${failed.length} could not be fully repaired`,
    details: drifted.map(describeDrift),
  });
}

function describeDrift(drift: AccountDrift): string {
  const parts = [
    drift.policyRewritten ? 'policy rewritten' : '',
    `${drift.attached.length} boundary(ies) re-attached`,
    drift.derived ? `${drift.derived.rebuilt.length} derived policy(ies) rebuilt` : '',
    drift.problems.length > 0 ? `problems: ${drift.problems.join(' | ')}` : '',
  ];
  return `${drift.accountId}: ${parts.filter(Boolean).join('; ')}`;
}
