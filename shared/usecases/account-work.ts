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
import { inStep, RetryLaterError } from '#shared/errors.ts';
import type { PolicySnapshot } from './compile-account.ts';
import type { FlowContext } from './flow-context.ts';
import type { AccountWorkItem } from './ports.ts';
import { type AccountSyncResult, syncAccount } from './sync-account.ts';

/** A fan-out of this many accounts or fewer runs inline when nothing else is configured. */
export const DEFAULT_ACCOUNT_WORK_INLINE_MAX = 10;

/**
 * Queues one item per account when the fan-out is larger than the inline maximum and the queue is
 * deployed; answers whether it did. Sending fails as a whole (rethrown): the caller's event is then
 * delivered again, and items sent twice cost the worker a read each.
 */
export async function queueLargeFanOut(
  ctx: FlowContext,
  items: readonly AccountWorkItem[],
): Promise<boolean> {
  const queue = ctx.ports.accountWork;
  const inlineMax = ctx.settings.accountWorkInlineMax ?? DEFAULT_ACCOUNT_WORK_INLINE_MAX;
  if (!queue || items.length <= inlineMax) return false;
  await inStep('queue-account-work', () => queue.enqueue(items));
  ctx.log.info('fan-out queued for the account worker', {
    accounts: items.length,
    reason: items[0]?.reason,
    ...(items[0]?.file ? { file: items[0].file } : {}),
  });
  return true;
}

/**
 * The account worker's share of a fan-out: one account synced from the batch's snapshot. A replay
 * writes even when the recorded hash matches, as an inline replay does. A failure that says "later"
 * (throttling that outlasted the retries, a lease held elsewhere) is thrown as RetryLaterError, so
 * the queue delivers the message again after its visibility timeout and, after its last receive,
 * moves it to the dead-letter queue; any other outcome (failures included) is final and answered.
 */
export async function applyAccountWork(
  ctx: FlowContext,
  snapshot: PolicySnapshot,
  item: AccountWorkItem,
): Promise<AccountSyncResult> {
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
