/**
 * Fan-out on the account work queue. A change reaching more accounts than one worker batch holds
 * (ACCOUNT_WORK_INLINE_MAX) is not applied by the function that noticed it: one message per
 * account goes on the queue, and the account worker, as many in parallel as the event source
 * mapping's maximum concurrency allows, syncs each from its own listing of the policy files. So one
 * slow or throttled account holds one worker's slot, not the whole change, and no invocation's
 * deadline bounds how many accounts one change can reach.
 *
 * The rules of syncAccount hold across workers unchanged: the write lease lets one writer at a time
 * into an account, and a writer whose listing is older than the one applied writes nothing. A
 * worker lists the store when it starts, after the upload that queued it, so a duplicate or late
 * message finds the boundary current and costs no write.
 */
import { RetryLaterError } from '#shared/errors.ts';
import type { PolicySnapshot } from './compile-account.ts';
import type { FlowContext } from './flow-context.ts';
import type { AccountWorkItem } from './ports.ts';
import { type ReconciledAccount, reconcileAndAudit } from './reconcile.ts';
import { type AccountSyncResult, syncAccount } from './sync-account.ts';

/**
 * The account worker's share of a fan-out: one account synced from the batch's snapshot, or for a
 * reconcile, compared and repaired (reconcile.ts; its drift is reported with the batch's). A replay
 * writes even when the recorded hash matches, as an inline replay does. A sync failure that says
 * "later" (throttling that outlasted the retries, a lease held elsewhere) is thrown as
 * RetryLaterError, so the queue delivers the message again after its visibility timeout and, after
 * its last receive, moves it to the dead-letter queue; any other outcome (failures included) is
 * final and answered. A reconcile never throws: what failed is a problem in its drift, the account
 * FAILED for replay, as in a reconcile run inline.
 */
export async function applyAccountWork(
  ctx: FlowContext,
  snapshot: PolicySnapshot,
  item: AccountWorkItem,
): Promise<AccountSyncResult | ReconciledAccount> {
  if (item.reason === 'reconcile') return reconcileAndAudit(ctx, snapshot, item.accountId, item.placement);
  // The changed file is in every chain the change reaches: read it while the record is read.
  if (item.file) prefetch(snapshot.read(item.file));
  const result = await syncAccount(ctx, snapshot, item.accountId, {
    ...(item.file ? { file: item.file } : {}),
    ...(item.reason === 'replay' ? { force: true } : {}),
  });
  if (result.outcome === 'failed' && result.retryable)
    throw new RetryLaterError(`account ${item.accountId}: ${result.reason ?? 'failed'}`);
  return result;
}

/**
 * Starts the batch's listing of the policy files at once, beside the first records' reads, instead
 * of after them: the listing is taken after every message of the batch was queued either way.
 */
export function startListing(snapshot: PolicySnapshot): void {
  prefetch(snapshot.objects());
}

/** A read whose failure is the awaiting caller's to see, not an unhandled rejection. */
function prefetch(pending: Promise<unknown>): void {
  pending.catch(() => undefined);
}
