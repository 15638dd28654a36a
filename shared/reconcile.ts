import { markFailed, updateAccountRecord } from './account-records.ts';
import { compileForAccount, type PolicySnapshot, policySnapshot } from './compile-account.ts';
import { mapSettled } from './concurrency.ts';
import { codeOf, errorText, inStep } from './errors.ts';
import type { FlowContext } from './flow-context.ts';
import { policyHash } from './policy/index.ts';
import { attachBoundaryToAllPrincipals, customPolicyArns } from './principal-sweep.ts';
import { sendNotice } from './report-failure.ts';

export interface AccountDrift {
  accountId: string;
  /** A new default policy version was written (content or default version had drifted). */
  policyRewritten: boolean;
  /** Principals that had lost (or never got) our boundary and received it now. */
  attached: string[];
  /** Principals or steps that could not be repaired. */
  problems: string[];
}

export interface ReconcileReport {
  checked: number;
  drifted: AccountDrift[];
}

/**
 * Compares every enrolled account with its desired state (compiled policy as default version,
 * boundary on every non-exempt principal), repairs what differs, and sends one summary when
 * anything was repaired or could not be.
 */
export async function reconcileAccounts(ctx: FlowContext): Promise<ReconcileReport> {
  const records = (await ctx.ports.accounts.listAll()).filter(
    (record) => record.status === 'ACTIVE' || record.status === 'FAILED',
  );
  const snapshot = policySnapshot(ctx.ports.policyStore);
  const settled = await mapSettled(records, ctx.settings.fanoutConcurrency, (record) =>
    reconcileAccount(ctx, snapshot, record.accountId, record.ouPath),
  );
  const drifted = settled
    .map((outcome, index) =>
      outcome.ok
        ? outcome.value
        : {
            accountId: records[index]?.accountId ?? '',
            policyRewritten: false,
            attached: [],
            problems: [errorText(outcome.error)],
          },
    )
    .filter((drift) => drift.policyRewritten || drift.attached.length > 0 || drift.problems.length > 0);
  if (drifted.length > 0) await sendSummary(ctx, drifted);
  return { checked: records.length, drifted };
}

async function reconcileAccount(
  ctx: FlowContext,
  snapshot: PolicySnapshot,
  accountId: string,
  ouPath: string[],
): Promise<AccountDrift> {
  const drift: AccountDrift = { accountId, policyRewritten: false, attached: [], problems: [] };
  try {
    const compiled = await compileForAccount(ctx, snapshot, { accountId, ouPath });
    if (!compiled.ok) throw compiled.error;
    const current = await inStep('read-policy', () => ctx.ports.iam.readBoundaryPolicy(accountId));
    let written: { policyArn: string; versionId: string } | undefined = current;
    if (!current || policyHash(current.document) !== compiled.hash) {
      written = await inStep('write-policy', () =>
        ctx.ports.iam.writeBoundaryPolicy(accountId, compiled.policy),
      );
      drift.policyRewritten = true;
    }
    const policyArn = written?.policyArn ?? ctx.ports.iam.policyArnFor(accountId);
    const sweep = await inStep('attach-boundaries', () =>
      attachBoundaryToAllPrincipals(ctx, accountId, policyArn),
    );
    drift.attached = sweep.attached;
    drift.problems = sweep.failed.map((failure) => `${failure.principalArn}: ${failure.reason}`);
    await updateAccountRecord(ctx, accountId, (record) =>
      record
        ? {
            ...record,
            policyKeys: compiled.sources,
            policyHash: compiled.hash,
            policyVersionId: written?.versionId ?? record.policyVersionId,
            customPolicyArns: customPolicyArns(sweep),
            status: drift.problems.length === 0 ? 'ACTIVE' : 'FAILED',
            lastError: drift.problems[0],
          }
        : undefined,
    );
  } catch (error) {
    drift.problems.push(`${codeOf(error)}: ${errorText(error)}`);
    await markFailed(ctx, accountId, `${codeOf(error)}: ${errorText(error)}`);
  }
  return drift;
}

async function sendSummary(ctx: FlowContext, drifted: AccountDrift[]): Promise<void> {
  const failed = drifted.filter((drift) => drift.problems.length > 0);
  await sendNotice(ctx, {
    code: failed.length > 0 ? 'RECONCILE_INCOMPLETE' : 'DRIFT_REPAIRED',
    step: 'reconcile',
    reason: `${drifted.length} account(s) drifted, ${failed.length} could not be fully repaired`,
    details: drifted.map(
      (drift) =>
        `${drift.accountId}: ${drift.policyRewritten ? 'policy rewritten; ' : ''}${drift.attached.length} boundary(ies) re-attached` +
        (drift.problems.length > 0 ? `; problems: ${drift.problems.join(' | ')}` : ''),
    ),
  });
}
