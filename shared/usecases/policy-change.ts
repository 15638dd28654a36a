import { type PolicyFinding, substituteAccountId, targetOfKey, validatePolicyText } from '#policy/index.ts';
import { isTransientFailure } from '#runtime/aws-errors.ts';
import { codeOf, type ErrorCode, errorText, PolicyInvalidError } from '#shared/errors.ts';
import { currentFingerprint, type PolicySnapshot, policySnapshot } from './compile-account.ts';
import { fanOutAccounts } from './fan-out.ts';
import type { FlowContext } from './flow-context.ts';
import type { AccountRecord, PolicyObjectSummary } from './ports.ts';
import { queueLargeFanOut } from './queue-fan-out.ts';
import { noticeFor, reportFailure, sendNotice } from './report-failure.ts';
import { type AccountSyncResult, syncAccount } from './sync-account.ts';

export type PolicyChangeKind = 'created' | 'removed';

export interface PolicyChange {
  key: string;
  eventKind: PolicyChangeKind;
}

export interface PolicyChangeResult {
  key: string;
  target?: string;
  /** Why nothing was done, e.g. the key is not a policy file. */
  ignored?: string;
  /** Errors of the changed file; when set nothing was applied anywhere. */
  rejected?: PolicyFinding[];
  /** Set when the change could not be read and trying again would not help (reported, not retried). */
  failed?: { code: ErrorCode; reason: string };
  /** Accounts queued for the account worker (account-work.ts); then `accounts` is empty. */
  queued?: number;
  accounts: AccountSyncResult[];
}

// Placeholder account used only to validate a file before knowing which accounts it reaches.
const VALIDATION_ACCOUNT_ID = '000000000000';
/** Rounds of "did a newer upload land while we wrote?" before giving up to the next event. */
const MAX_CONVERGENCE_ROUNDS = 3;

/**
 * S3 policy change → every enrolled account the file reaches is recompiled from the store's
 * current contents (never from the event), so events arriving out of order cannot apply an older
 * object. A broken file is rejected before any account is touched. A change reaching more accounts
 * than one worker batch is queued for the account worker (account-work.ts); a smaller one is
 * applied here.
 */
export async function applyPolicyChange(ctx: FlowContext, change: PolicyChange): Promise<PolicyChangeResult> {
  const target = targetOfKey(change.key);
  if (target === undefined) return { key: change.key, ignored: 'not a policy file key', accounts: [] };
  let snapshot = policySnapshot(ctx.ports.policyStore, ctx.now);
  const { rejected, affected, failed } = await checkChange(ctx, snapshot, change, target);
  if (rejected) return { key: change.key, target, rejected, accounts: [] };
  if (failed) return { key: change.key, target, failed, accounts: [] };
  const items = affected.map((accountId) => ({
    accountId,
    reason: 'policy-change' as const,
    file: change.key,
  }));
  // Each worker lists the store itself, after this upload: no convergence rounds are needed there.
  if (await queueLargeFanOut(ctx, items))
    return { key: change.key, target, queued: items.length, accounts: [] };
  let results = await syncAll(ctx, snapshot, affected, { file: change.key });
  for (let round = 1; round <= MAX_CONVERGENCE_ROUNDS && !ctx.deadline?.reached(); round++) {
    snapshot = policySnapshot(ctx.ports.policyStore, ctx.now);
    const listed = await relisted(ctx, snapshot);
    if (!listed) break;
    const stale = staleAccounts(results, listed);
    if (stale.length === 0) break;
    ctx.log.info('policy files changed while applying; re-applying', { accounts: stale, round });
    // Not forced: under the write lease the record's hash is what IAM holds, so an account a newer
    // invocation already brought up to date costs no write.
    const redone = await syncAll(ctx, snapshot, stale, { file: change.key });
    results = results.map((result) => redone.find((again) => again.accountId === result.accountId) ?? result);
  }
  return { key: change.key, target, accounts: results };
}

/**
 * The listing again, to look for newer uploads. A transient failure is rethrown (the event is
 * delivered again and the accounts re-checked, at no write if unchanged); anything else would fail
 * the same way on every delivery, so the change stands as applied and is left to later events and
 * the reconciler.
 */
async function relisted(
  ctx: FlowContext,
  snapshot: PolicySnapshot,
): Promise<PolicyObjectSummary[] | undefined> {
  try {
    return await snapshot.objects();
  } catch (error) {
    if (isTransientFailure(error)) throw error;
    ctx.log.warn('could not list the policy files again', { error: errorText(error) });
    return undefined;
  }
}

/**
 * Validates the changed file and lists the accounts it reaches. If S3 or DynamoDB cannot be read,
 * the operators are told; a transient failure is rethrown, so Lambda (or SQS) delivers the event
 * again, anything else (access denied, a body that cannot be read) is returned as `failed`: a
 * second delivery would fail the same way.
 */
async function checkChange(
  ctx: FlowContext,
  snapshot: PolicySnapshot,
  change: PolicyChange,
  target: string,
): Promise<{ rejected?: PolicyFinding[]; failed?: PolicyChangeResult['failed']; affected: string[] }> {
  try {
    const affected = affectedAccounts(await ctx.ports.accounts.listAll(), target);
    const rejected = await validateChangedFile(ctx, snapshot, change, affected);
    return rejected ? { rejected, affected: [] } : { affected };
  } catch (error) {
    await reportFailure(ctx, error, { step: 'read-policy', file: change.key });
    if (isTransientFailure(error)) throw error;
    return { failed: { code: codeOf(error), reason: errorText(error) }, affected: [] };
  }
}

/** Enrolled accounts a file of `target` applies to: the account itself, or every account below an OU/root. */
export function affectedAccounts(records: AccountRecord[], target: string): string[] {
  const reached = target.startsWith('account-')
    ? records.filter((record) => `account-${record.accountId}` === target)
    : records.filter((record) => record.ouPath.includes(target));
  return reached.filter((record) => record.status !== 'DEREGISTERING').map((record) => record.accountId);
}

async function validateChangedFile(
  ctx: FlowContext,
  snapshot: PolicySnapshot,
  change: PolicyChange,
  affected: string[],
): Promise<PolicyFinding[] | undefined> {
  if (change.eventKind === 'removed') return undefined;
  const source = await snapshot.read(change.key);
  if (!source) return undefined; // deleted since the event: handled like a removal
  const body = substituteAccountId(source.body, VALIDATION_ACCOUNT_ID);
  const errors = validatePolicyText({ key: source.key, body }).filter(
    (finding) => finding.severity === 'error',
  );
  if (errors.length === 0) return undefined;
  // The notice names whose boundary is not getting the change, not only the file.
  const notice = noticeFor(new PolicyInvalidError(errors), { step: 'validate', file: change.key });
  notice.details = [
    ...(notice.details ?? []),
    `accounts this file reaches, left unchanged: ${affected.join(', ') || 'none enrolled'}`,
  ];
  if (affected.length === 1) notice.accountId = affected[0];
  ctx.log.error('validate failed', { file: change.key, findings: errors.length });
  await sendNotice(ctx, notice);
  return errors;
}

async function syncAll(
  ctx: FlowContext,
  snapshot: PolicySnapshot,
  accountIds: string[],
  options: { file: string; force?: boolean },
): Promise<AccountSyncResult[]> {
  return fanOutAccounts(
    ctx,
    accountIds,
    (accountId) => syncAccount(ctx, snapshot, accountId, options),
    (accountId, error): AccountSyncResult => ({
      accountId,
      outcome: 'failed',
      code: codeOf(error),
      reason: errorText(error),
    }),
    { step: 'sync', file: options.file },
  );
}

/**
 * Accounts we wrote from files that have changed since we read them: a newer upload may have no
 * invocation of its own yet (events are late or lost), so we apply the newest content ourselves.
 */
function staleAccounts(results: AccountSyncResult[], objects: PolicyObjectSummary[]): string[] {
  return results
    .filter((result) => result.outcome === 'updated' && result.ouPath && result.fingerprint !== undefined)
    .filter((result) => {
      const now = currentFingerprint(objects, { accountId: result.accountId, ouPath: result.ouPath ?? [] });
      return now !== undefined && now !== result.fingerprint;
    })
    .map((result) => result.accountId);
}
