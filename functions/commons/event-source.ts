/**
 * Both dispatchers accept their event directly (S3 or EventBridge invoking the function) or one per
 * record of an SQS batch (the queue between them in the deployed stack). This is the one place that
 * tells the two apart and applies the entry rule to every message:
 *
 * - input that can never succeed (a body that is not a JSON object, an event of another shape) is
 *   reported once and acknowledged;
 * - a transient failure is retried (the record handed back to SQS, or the direct invocation
 *   rethrown), and its notices are sent only when the failure is final: on the record's last
 *   receive, after which SQS moves it to the dead-letter queue;
 * - any other failure is reported once and acknowledged: delivering it again would fail the same way.
 *
 * Notices of one invocation go out as one message (notices.ts).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchItemFailure, SQSBatchResponse } from 'aws-lambda';
import { z } from 'zod';
import { isTransientFailure } from '#runtime/aws-errors.ts';
import { mapSettled } from '#runtime/concurrency.ts';
import type { Deadline } from '#runtime/deadline.ts';
import { codeOf, type ErrorCode, errorText, InputRejectedError } from '#shared/errors.ts';
import type { FlowContext } from '#usecases/flow-context.ts';
import type { FailureNotice } from '#usecases/ports.ts';
import { reportFailure } from '#usecases/report-failure.ts';
import { type CollectingNotifier, NoticeScope } from './notices.ts';
import { parseSqsMessage, type SqsMessage } from './sqs-messages.ts';

/** Only the field that tells an SQS delivery from a direct S3 notification (whose records say aws:s3). */
const SqsDeliverySchema = z.object({
  Records: z.array(z.object({ eventSource: z.literal('aws:sqs') }).loose()).nonempty(),
});

export function isSqsBatch(event: unknown): event is { Records: unknown[] } {
  return SqsDeliverySchema.safeParse(event).success;
}

/** What a direct invocation answers for a message it acknowledged without doing its work. */
export interface MessageRejected {
  rejected: { code: ErrorCode; reason: string };
}

export interface EntryOptions {
  /** The handler's context (its notifier is `notices`). */
  ctx: FlowContext;
  notices: CollectingNotifier;
  logger: Logger;
  /** Step named in the notice of a failure the message handler did not report itself. */
  step: string;
  /** The queue's maxReceiveCount: a record that fails on this receive is dead-lettered. */
  maxReceiveCount: number;
  /** Once reached, no further record is started; the rest are handed back to SQS. */
  deadline?: Deadline;
  /** Records handled at once. */
  concurrency?: number;
}

type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown; retry: boolean };

/**
 * Runs `handleMessage` on the event itself, or on the parsed body of each SQS record, and answers
 * SQS with a partial batch response naming only the records to deliver again.
 */
export async function handleDirectOrSqs<R>(
  event: unknown,
  options: EntryOptions,
  handleMessage: (message: unknown) => Promise<R>,
): Promise<SQSBatchResponse | R | MessageRejected> {
  if (isSqsBatch(event)) return handleSqsBatch(event.Records, options, handleMessage);
  return handleDirect(event, options, handleMessage);
}

/**
 * The entry rule for an event invoked directly (asynchronously, by S3, EventBridge or a schedule):
 * a transient failure is rethrown so Lambda runs the event again; anything else is answered.
 * Lambda does not say which attempt this is: the first attempt's notice is sent, and the same
 * notice from the retries that follow in this container is not.
 */
export async function handleDirect<R>(
  event: unknown,
  options: Omit<EntryOptions, 'maxReceiveCount'>,
  handleMessage: (message: unknown) => Promise<R>,
): Promise<R | MessageRejected> {
  const scope = new NoticeScope();
  const settled = await settle(options, scope, () => handleMessage(event), true);
  const retried = !settled.ok && settled.retry;
  await options.notices.flush(scope, { retried });
  if (settled.ok) return settled.value;
  if (settled.retry) throw settled.error;
  return { rejected: { code: codeOf(settled.error), reason: errorText(settled.error) } };
}

async function handleSqsBatch<R>(
  records: unknown[],
  options: EntryOptions,
  handleMessage: (message: unknown) => Promise<R>,
): Promise<SQSBatchResponse> {
  const invocation = new NoticeScope();
  const messages = records.map((record, index) => parseSqsMessage(record, index));
  const settled = await mapSettled(
    messages,
    options.concurrency ?? 1,
    async (message) => {
      const scope = new NoticeScope();
      const final = message.receiveCount >= options.maxReceiveCount;
      const outcome = await settle(options, scope, () => handleMessage(message.body()), final);
      if (!outcome.ok && outcome.retry && !final) {
        options.logger.warn('message failed, SQS delivers it again', {
          messageId: message.messageId,
          receiveCount: message.receiveCount,
          error: errorText(outcome.error),
        });
      } else {
        if (!outcome.ok && outcome.retry) deadLettered(scope, message, options.maxReceiveCount);
        invocation.held.push(...scope.held.map((notice) => fromMessage(notice, message)));
      }
      return outcome.ok || !outcome.retry;
    },
    { stopStarting: () => options.deadline?.reached() ?? false },
  );
  const failures: SQSBatchItemFailure[] = [];
  const notStarted: SqsMessage[] = [];
  settled.forEach((outcome, index) => {
    const message = messages[index];
    if (!message || (outcome.ok && outcome.value)) return;
    if (!outcome.ok && outcome.notStarted) notStarted.push(message);
    if (message.messageId) failures.push({ itemIdentifier: message.messageId });
  });
  if (notStarted.length > 0) await handBack(options, invocation, notStarted);
  await options.notices.flush(invocation);
  return { batchItemFailures: failures };
}

/**
 * Runs one message in its notice scope and classifies the outcome. What failed for good and was
 * not reported by the handler is reported here, so every final failure has its notice.
 */
async function settle<R>(
  options: Pick<EntryOptions, 'ctx' | 'notices' | 'step'>,
  scope: NoticeScope,
  work: () => Promise<R>,
  final: boolean,
): Promise<Settled<R>> {
  return options.notices.within(scope, async () => {
    try {
      return { ok: true, value: await work() };
    } catch (error) {
      const retry = isTransientFailure(error);
      if ((final || !retry) && scope.held.length === 0) {
        await reportFailure(options.ctx, error, { step: stepFor(error, options.step) });
      }
      return { ok: false, error, retry };
    }
  });
}

function stepFor(error: unknown, step: string): string {
  return error instanceof InputRejectedError ? `${step}: read event` : step;
}

/** Names the SQS message a notice came from, so the operator can find it (or its dead letter). */
function fromMessage(notice: FailureNotice, message: SqsMessage): FailureNotice {
  if (!message.messageId) return notice;
  return { ...notice, details: [...(notice.details ?? []), `SQS message ${message.messageId}`] };
}

function deadLettered(scope: NoticeScope, message: SqsMessage, maxReceiveCount: number): void {
  const line = `failed on receive ${message.receiveCount} of ${maxReceiveCount}: the message goes to the dead-letter queue`;
  for (const notice of scope.held) notice.details = [...(notice.details ?? []), line];
}

/** Records not started before the deadline go back to SQS; on their last receive that is final. */
async function handBack(options: EntryOptions, invocation: NoticeScope, messages: SqsMessage[]) {
  options.logger.warn('deadline reached, records handed back to SQS', {
    messageIds: messages.map((message) => message.messageId),
  });
  const last = messages.filter((message) => message.receiveCount >= options.maxReceiveCount);
  if (last.length === 0) return;
  invocation.held.push({
    code: 'DEADLINE_EXCEEDED',
    step: options.step,
    reason: `${last.length} message(s) not started before the deadline on their last receive: they go to the dead-letter queue`,
    details: last.map((message) => `SQS message ${message.messageId}: receive ${message.receiveCount}`),
  });
}
