/**
 * The producer's side of the account work queue: a fan-out larger than one worker batch is queued
 * one message per account instead of being applied by the function that noticed it (policy change,
 * replay, reconcile). account-work.ts is the worker's side.
 */
import { inStep } from '#shared/errors.ts';
import type { FlowContext } from './flow-context.ts';
import type { AccountWorkItem } from './ports.ts';

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
