import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { mapSettled } from '#runtime/concurrency.ts';
import type { AccountWorkItem, AccountWorkQueuePort, DeadLetter } from '#usecases/ports.ts';
import { type AdapterClientOptions, clientConfigFor } from './client-config.ts';

export interface AccountWorkQueueOptions extends AdapterClientOptions<SQSClient> {
  queueUrl: string;
  deadLetterQueueUrl: string;
  region: string;
}

/** SQS takes at most 10 messages per SendMessageBatch, ReceiveMessage and DeleteMessageBatch. */
const SQS_BATCH = 10;
/** SendMessageBatch calls in flight while a large fan-out is queued. */
const SEND_CONCURRENCY = 16;
/** How long dead letters stay hidden while a replay works through them. */
const DEAD_LETTER_VISIBILITY_SECONDS = 900;

const PlacementSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('member'), ouPath: z.array(z.string().min(1)).min(1) }).strict(),
  z.object({ kind: z.literal('arriving') }).strict(),
  z
    .object({
      kind: z.literal('closed'),
      state: z.enum(['ACTIVE', 'PENDING_ACTIVATION', 'PENDING_CLOSURE', 'SUSPENDED', 'CLOSED']),
    })
    .strict(),
  z.object({ kind: z.literal('gone') }).strict(),
]);

const AccountWorkItemSchema = z
  .object({
    accountId: z.string().regex(/^\d{12}$/),
    reason: z.enum(['policy-change', 'replay', 'reconcile']),
    file: z.string().min(1).optional(),
    placement: PlacementSchema.optional(),
  })
  .strict();

/** The item a message body holds, or the reasons it holds none (zod's issues, joined). */
export function parseAccountWorkItem(body: unknown): { item: AccountWorkItem } | { problem: string } {
  const parsed = AccountWorkItemSchema.safeParse(body);
  if (parsed.success) {
    const { accountId, reason, file, placement } = parsed.data;
    return { item: { accountId, reason, ...(file ? { file } : {}), ...(placement ? { placement } : {}) } };
  }
  return {
    problem: parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
      .join('; '),
  };
}

function itemOfBody(body: string): AccountWorkItem | undefined {
  try {
    const parsed = parseAccountWorkItem(JSON.parse(body));
    return 'item' in parsed ? parsed.item : undefined;
  } catch {
    return undefined;
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, index) =>
    items.slice(index * size, (index + 1) * size),
  );
}

/** The account work queue on SQS: one message per account, sent ten to a call. */
export class SqsAccountWorkQueue implements AccountWorkQueuePort {
  private readonly sqs: SQSClient;

  constructor(private readonly options: AccountWorkQueueOptions) {
    this.sqs = options.client ?? new SQSClient(clientConfigFor(options.region, options.clientConfig));
  }

  async enqueue(items: readonly AccountWorkItem[]): Promise<void> {
    const batches = chunks(items, SQS_BATCH);
    const settled = await mapSettled(batches, SEND_CONCURRENCY, (batch) => this.sendBatch(batch));
    const failed = settled.find((outcome) => !outcome.ok);
    if (failed && !failed.ok) throw failed.error;
  }

  private async sendBatch(batch: AccountWorkItem[]): Promise<void> {
    let pending = batch.map((item, index) => ({ Id: String(index), MessageBody: JSON.stringify(item) }));
    // SQS answers a partly failed batch with the entries to send again; a sender fault is not retried.
    for (let attempt = 1; pending.length > 0; attempt++) {
      const answer = await this.sqs.send(
        new SendMessageBatchCommand({ QueueUrl: this.options.queueUrl, Entries: pending }),
      );
      const failed = answer.Failed ?? [];
      const permanent = failed.filter((entry) => entry.SenderFault);
      if (permanent.length > 0 || (failed.length > 0 && attempt >= 3))
        throw new Error(
          `account work queue refused ${failed.length} message(s): ${failed.map((entry) => `${entry.Code}: ${entry.Message}`).join('; ')}`,
        );
      const retry = new Set(failed.map((entry) => entry.Id));
      pending = pending.filter((entry) => retry.has(entry.Id));
    }
  }

  async receiveDeadLetters(max: number): Promise<DeadLetter[]> {
    const letters: DeadLetter[] = [];
    while (letters.length < max) {
      const { Messages = [] } = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.options.deadLetterQueueUrl,
          MaxNumberOfMessages: Math.min(SQS_BATCH, max - letters.length),
          VisibilityTimeout: DEAD_LETTER_VISIBILITY_SECONDS,
          WaitTimeSeconds: 0,
        }),
      );
      if (Messages.length === 0) break;
      for (const message of Messages) {
        const body = message.Body ?? '';
        letters.push({ item: itemOfBody(body), body, receiptHandle: message.ReceiptHandle ?? '' });
      }
    }
    return letters;
  }

  async deleteDeadLetters(letters: readonly DeadLetter[]): Promise<void> {
    for (const batch of chunks(letters, SQS_BATCH)) {
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.deadLetterQueueUrl,
          Entries: batch.map((letter, index) => ({ Id: String(index), ReceiptHandle: letter.receiptHandle })),
        }),
      );
    }
  }
}
