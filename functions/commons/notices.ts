/**
 * Notices of one invocation are held back and sent as one message at its end. Two reasons: an
 * operator needs one message per storm, not one per record or account; and the notices of an SQS
 * record that will be delivered again would only repeat, so they are dropped unless this was the
 * record's last delivery. The scope follows the async work (AsyncLocalStorage), so use cases keep
 * calling their notifier port as before.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from '@aws-lambda-powertools/logger';
import { errorText } from '#shared/errors.ts';
import type { FlowContext } from '#usecases/flow-context.ts';
import type { FailureNotice, NotifierPort } from '#usecases/ports.ts';

/** Notices held for one invocation or one SQS record. */
export class NoticeScope {
  readonly held: FailureNotice[] = [];
  closed = false;
}

/**
 * How long a notice sent by an invocation that Lambda will run again is not sent a second time:
 * Lambda retries an asynchronous invocation after about one and three minutes, mostly in the same
 * container, and the operator needs the failure once.
 */
const RETRIED_NOTICE_MEMORY_MS = 10 * 60 * 1000;

export class CollectingNotifier implements NotifierPort {
  private readonly storage = new AsyncLocalStorage<NoticeScope>();
  /** Notices of invocations rethrown for a retry, until when a repeat is dropped (epoch ms). */
  private readonly sentBeforeRetry = new Map<string, number>();

  constructor(
    private readonly target: NotifierPort,
    private readonly logger: Logger,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Held in the current scope; sent at once outside any scope or after its scope was flushed. */
  async notify(notice: FailureNotice): Promise<void> {
    const scope = this.storage.getStore();
    if (scope && !scope.closed) {
      scope.held.push(notice);
      return;
    }
    await this.target.notify(notice);
  }

  /** Runs `work` with its notices held in `scope`. */
  within<T>(scope: NoticeScope, work: () => Promise<T>): Promise<T> {
    return this.storage.run(scope, work);
  }

  /**
   * Sends what `scope` holds as one notice (nothing when it holds none); never throws. With
   * `retried`, the invocation is rethrown for Lambda to run again: the same notice from those runs
   * is not sent again.
   */
  async flush(scope: NoticeScope, options: { retried?: boolean } = {}): Promise<void> {
    scope.closed = true;
    const notice = combineNotices(scope.held);
    if (!notice) return;
    // The summary may leave lines out; the log keeps every notice.
    if (scope.held.length > 1) this.logger.info('notices combined into one', { notices: scope.held });
    const key = JSON.stringify(notice);
    const now = this.nowMs();
    for (const [sent, until] of this.sentBeforeRetry) if (until <= now) this.sentBeforeRetry.delete(sent);
    if (this.sentBeforeRetry.has(key)) {
      this.logger.info('notice already sent before this retry', { notice });
      return;
    }
    if (options.retried) this.sentBeforeRetry.set(key, now + RETRIED_NOTICE_MEMORY_MS);
    try {
      await this.target.notify(notice);
    } catch (error) {
      this.logger.error('could not publish failure notice', { notice, error: errorText(error) });
    }
  }
}

/** A handler's context whose notifier holds notices back (the handler flushes them). */
export function collectingContext(
  ctx: FlowContext,
  logger: Logger,
): { ctx: FlowContext; notices: CollectingNotifier } {
  const notices = new CollectingNotifier(ctx.ports.notifier, logger, () => ctx.now().getTime());
  return { ctx: { ...ctx, ports: { ...ctx.ports, notifier: notices } }, notices };
}

/** Lines of a combined notice past this go to the log only (SNS messages hold 256 KB). */
const MAX_SUMMARY_LINES = 200;

/**
 * One notice for many: equal notices once, the only notice as it is, several as a summary whose
 * lines each name code, account, file and reason. The code stays when all share it.
 */
export function combineNotices(notices: readonly FailureNotice[]): FailureNotice | undefined {
  const distinct = [...new Map(notices.map((notice) => [JSON.stringify(notice), notice])).values()];
  if (distinct.length <= 1) return distinct[0];
  const codes = new Set(distinct.map((notice) => notice.code));
  const accounts = new Set(distinct.map((notice) => notice.accountId));
  const files = new Set(distinct.map((notice) => notice.file));
  const steps = new Set(distinct.map((notice) => notice.step));
  const named = [...accounts].filter((account) => account !== undefined);
  const lines = distinct.flatMap((notice) => [
    `${notice.code} · account ${notice.accountId ?? '-'} · file ${notice.file ?? '-'} · ${notice.step}: ${notice.reason}`,
    ...(notice.details ?? []).map((detail) => `  ${detail}`),
  ]);
  const shown =
    lines.length <= MAX_SUMMARY_LINES
      ? lines
      : [
          ...lines.slice(0, MAX_SUMMARY_LINES),
          `… ${lines.length - MAX_SUMMARY_LINES} more line(s) in the function log`,
        ];
  const [only] = codes;
  return {
    code: codes.size === 1 && only ? only : 'SEVERAL_FAILURES',
    step: steps.size === 1 ? (distinct[0]?.step ?? 'several') : 'several',
    reason: `${distinct.length} problems in one run${named.length > 0 ? `, accounts ${named.join(', ')}` : ''}`,
    ...(accounts.size === 1 && named[0] ? { accountId: named[0] } : {}),
    ...(files.size === 1 && distinct[0]?.file ? { file: distinct[0].file } : {}),
    details: shown,
  };
}
