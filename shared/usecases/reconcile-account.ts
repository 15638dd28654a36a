/**
 * One enrolled account compared with its desired state and repaired: brought to where Organizations
 * places it, each compiled policy as default version, our boundary (or derived boundary) and the
 * additional policies on every non-exempt principal, no additional policy the chain no longer
 * needs. Used by the reconciler's inline fan-out and by the account worker, one account each.
 */
import { AttachmentQuotaError, codeOf, errorText, inStep } from '#shared/errors.ts';
import { inEnrollmentOrDeregistration, markFailed, updateAccountRecord } from './account-records.ts';
import { withAccountRetries } from './account-retry.ts';
import { type AccountCompilation, compileForAccount, type PolicySnapshot } from './compile-account.ts';
import {
  boundaryNameIn,
  type DeployedState,
  deployedFields,
  droppedAdditionalPolicies,
  readDeployedPolicies,
  removeAdditionalPolicies,
  shortOfPolicies,
  type WrittenPolicies,
  writeCompiledPolicies,
} from './compiled-policies.ts';
import type { FlowContext } from './flow-context.ts';
import type { Placement } from './organization-membership.ts';
import type { AccountRecord } from './ports.ts';
import { attachBoundaryToAllPrincipals, customerBoundaryArns, type SweepResult } from './principal-sweep.ts';
import { followPlacement, memberRoleRefused } from './reconcile-placement.ts';
import { reportFailure } from './report-failure.ts';
import { newLeaseOwner, releasedRecord, withWriteLease } from './write-lease.ts';

export interface AccountDrift {
  accountId: string;
  /** A new default policy version was written (content or default version had drifted). */
  policyRewritten: boolean;
  /** Principals that had lost (or never got) our boundary and received it now. */
  attached: string[];
  /** Customer policies whose derived policy was rebuilt, and principals that received one. */
  derived?: { rebuilt: string[]; attached: string[] };
  /** Principals that got an additional policy back; additional policies no longer needed, removed. */
  additional?: { attached: string[]; removed: string[] };
  /** Principals or steps that could not be repaired. */
  problems: string[];
  /** The record's OU path was stale: Organizations places the account elsewhere (boundary recompiled). */
  moved?: { from: string[]; to: string[] };
  /** Identity Center roles without our boundary, left to their permission sets (identity-center.ts). */
  identityCenterRoles?: string[];
  /** An UNREACHABLE account could be reached again and was repaired. */
  reachableAgain?: boolean;
  /** Closed out in this run (its one notice was sent), or skipped as UNREACHABLE. */
  unreachable?: string;
}

export function hasDrifted(drift: AccountDrift): boolean {
  return (
    drift.moved !== undefined ||
    drift.reachableAgain === true ||
    drift.policyRewritten ||
    drift.attached.length > 0 ||
    (drift.derived?.rebuilt.length ?? 0) > 0 ||
    (drift.derived?.attached.length ?? 0) > 0 ||
    (drift.additional?.attached.length ?? 0) > 0 ||
    (drift.additional?.removed.length ?? 0) > 0 ||
    drift.problems.length > 0
  );
}

/**
 * Reconciles one account; never throws (a failure is recorded and becomes a problem). With the
 * organization's placement the account is first brought to where Organizations places it (moved,
 * closed out, or reachable again); without one (the tree could not be read) the record's path is used.
 */
export async function reconcileAccount(
  ctx: FlowContext,
  snapshot: PolicySnapshot,
  accountId: string,
  placement?: Placement,
): Promise<AccountDrift> {
  const drift: AccountDrift = { accountId, policyRewritten: false, attached: [], problems: [] };
  try {
    return await withAccountRetries(ctx, accountId, async () => {
      const followed = await followPlacement(ctx, snapshot, accountId, placement);
      if (followed.stop) return { ...drift, ...followed.drift };
      return { ...(await repairAccount(ctx, snapshot, accountId)), ...followed.drift };
    });
  } catch (error) {
    const refusal = memberRoleRefused(ctx, accountId, error);
    if (refusal) return { ...drift, ...(await refusal.closeOut()) };
    const problem = `${codeOf(error)}: ${errorText(error)}`;
    await markFailed(ctx, accountId, problem);
    return { ...drift, problems: [problem] };
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
  const boundaryName = boundaryNameIn(ctx, accountId);
  const deployed = await inStep('read-policy', () => readDeployed(ctx, accountId, boundaryName, compiled));
  const boundary = deployed.get(boundaryName);
  // A policy that cannot be compiled now leaves the deployed one in force (the stricter, known
  // state): principals that lost it still get it back, and the compile error is the problem.
  if (!compiled.ok && !boundary?.exists) throw compiled.error;
  // Compares the default versions' content, so a SetDefaultPolicyVersion to an old version counts.
  const rewrite =
    compiled.ok && needsRewrite(compiled, boundary, deployed, record)
      ? await rewriteUnderLease(ctx, snapshot, record, compiled)
      : undefined;
  drift.policyRewritten = (rewrite?.written?.written.length ?? 0) > 0;
  // Not written (a policy change applied a newer listing while we compared, or enrollment or
  // deregistration took the account over): what is deployed stands, and so do its record fields.
  const current = compiled.ok && !(rewrite && !rewrite.written) ? compiled : undefined;
  const sweep = await inStep('attach-boundaries', async () =>
    attachBoundaryToAllPrincipals(ctx, accountId, ctx.ports.iam.policyArnFor(accountId), {
      // Derived policies are rebuilt from our document only when it is the one deployed.
      ...(current ? { ourDocument: current.policy } : {}),
      ...(!compiled.ok && boundary?.document ? { ourDocument: boundary.document } : {}),
      knownCustomerArns: record.customerBoundaryArns,
      additionalPolicyNames: current
        ? current.additionalPolicies.map((extra) => extra.name)
        : await recordedAdditionalPolicies(ctx, record, rewrite !== undefined),
    }),
  );
  const quota = noteProblems(drift, compiled, sweep, rewrite?.written);
  if (sweep.identityCenterRoles.length > 0) drift.identityCenterRoles = sweep.identityCenterRoles;
  await updateAccountRecord(ctx, accountId, (latest) =>
    latest
      ? {
          ...(rewrite?.written
            ? releasedRecord(latest, rewrite.lease.owner, rewrite.lease.listedAtMs)
            : latest),
          ...(current ? deployedFieldsAfter(current, rewrite?.written, boundary, deployed) : {}),
          ...(!compiled.ok && boundary?.versionId ? { boundaryVersionId: boundary.versionId } : {}),
          customerBoundaryArns: customerBoundaryArns(sweep),
          status: drift.problems.length === 0 ? 'ACTIVE' : 'FAILED',
          lastError: drift.problems[0],
        }
      : undefined,
  );
  if (quota) await reportFailure(ctx, quota, { step: 'attach-additional-policies', accountId });
  return drift;
}

/** What the record says is deployed; read again when another writer has just changed it. */
async function recordedAdditionalPolicies(
  ctx: FlowContext,
  record: AccountRecord,
  superseded: boolean,
): Promise<string[]> {
  const latest = superseded ? await ctx.ports.accounts.get(record.accountId) : record;
  return (latest ?? record).additionalPolicies.map((extra) => extra.name);
}

/** The sweep's repairs and every problem into the drift; the quota error, when principals fell short. */
function noteProblems(
  drift: AccountDrift,
  compiled: AccountCompilation,
  sweep: SweepResult,
  written: Rewritten | undefined,
): AttachmentQuotaError | undefined {
  drift.attached = sweep.attached;
  if (sweep.derivedRewritten.length > 0 || sweep.derivedAttached.length > 0) {
    drift.derived = { rebuilt: [...sweep.derivedRewritten], attached: sweep.derivedAttached };
  }
  const removed = written?.removed ?? [];
  if (sweep.additionalAttached.length > 0 || removed.length > 0) {
    drift.additional = { attached: sweep.additionalAttached, removed };
  }
  if (!compiled.ok) drift.problems.push(`${compiled.error.code}: ${errorText(compiled.error)}`);
  drift.problems.push(...sweep.failed.map((failure) => `${failure.principalArn}: ${failure.reason}`));
  const short = shortOfPolicies(written?.short ?? [], sweep.short);
  if (short.length === 0) return undefined;
  const quota = new AttachmentQuotaError(drift.accountId, short);
  drift.problems.push(`${quota.code}: ${errorText(quota)}`);
  return quota;
}

type Compiled = Extract<AccountCompilation, { ok: true }>;

/** The default versions of the boundary and of every additional policy the chain compiles to. */
function readDeployed(
  ctx: FlowContext,
  accountId: string,
  boundaryName: string,
  compiled: AccountCompilation,
) {
  const extras = compiled.ok ? compiled.additionalPolicies.map((extra) => extra.name) : [];
  return readDeployedPolicies(ctx, accountId, [boundaryName, ...extras]);
}

function needsRewrite(
  compiled: Compiled,
  boundary: DeployedState | undefined,
  deployed: Map<string, DeployedState>,
  record: AccountRecord,
): boolean {
  const wanted = [
    { hash: compiled.boundaryHash, state: boundary },
    ...compiled.additionalPolicies.map((extra) => ({ hash: extra.hash, state: deployed.get(extra.name) })),
  ];
  return (
    wanted.some(({ hash, state }) => !state?.exists || state.hash !== hash) ||
    droppedAdditionalPolicies(record, compiled).length > 0
  );
}

/** The record fields after the repair: as written, or as read when nothing needed writing. */
function deployedFieldsAfter(
  compiled: Compiled,
  written: Rewritten | undefined,
  boundary: DeployedState | undefined,
  deployed: Map<string, DeployedState>,
) {
  if (written) return deployedFields(compiled, written);
  return {
    policyFileKeys: compiled.sources,
    compiledHash: compiled.hash,
    boundaryHash: compiled.boundaryHash,
    boundaryVersionId: boundary?.versionId,
    additionalPolicies: compiled.additionalPolicies.map((extra) => ({
      name: extra.name,
      versionId: deployed.get(extra.name)?.versionId ?? '',
      hash: extra.hash,
    })),
  };
}

type Rewritten = WrittenPolicies & { removed: string[] };

/** Writes what differs under the account's write lease; no write when the lease says not to. */
async function rewriteUnderLease(
  ctx: FlowContext,
  snapshot: PolicySnapshot,
  record: AccountRecord,
  compiled: Compiled,
): Promise<{ written?: Rewritten; lease: { owner: string; listedAtMs: number } }> {
  const lease = { owner: newLeaseOwner(), listedAtMs: await snapshot.listedAtMs() };
  const { accountId } = record;
  const outcome = await withWriteLease(
    ctx,
    record,
    { ...lease, stillNeeded: (current) => !inEnrollmentOrDeregistration(current) },
    async (leased) => {
      const written = await writeCompiledPolicies(ctx, accountId, compiled, leased, 'read');
      const removed = await inStep('remove-additional-policies', () =>
        removeAdditionalPolicies(ctx, accountId, droppedAdditionalPolicies(leased, compiled)),
      );
      return { ...written, removed };
    },
  );
  return outcome.held ? { written: outcome.value, lease } : { lease };
}
