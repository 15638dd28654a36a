/**
 * Both dispatchers accept their event directly (S3 or EventBridge invoking the function) or one per
 * record of an SQS batch (the queue between them in the deployed stack). This is the one place that
 * tells the two apart and answers SQS with a partial batch response, so only failed messages come
 * back.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import { SqsRecordSchema } from '@aws-lambda-powertools/parser/schemas/sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';

/** An SQS record whose body is JSON (what the S3 notification and the bus rule send). */
const JsonSqsRecordSchema = SqsRecordSchema.extend({ body: JSONStringified(z.unknown()) });

/** Only the field that tells an SQS delivery from a direct S3 notification (whose records say aws:s3). */
const SqsDeliverySchema = z.object({
  Records: z.array(SqsRecordSchema.pick({ eventSource: true })).nonempty(),
});

export function isSqsBatch(event: unknown): event is SQSEvent {
  return SqsDeliverySchema.safeParse(event).success;
}

/**
 * Runs `handleMessage` on the event itself, or on the parsed body of each SQS record. A record that
 * does not parse or whose message fails is reported in `batchItemFailures`, so SQS delivers it again
 * (and in the end to the dead-letter queue); the others are not retried.
 */
export async function handleDirectOrSqs<R>(
  event: unknown,
  context: Context,
  handleMessage: (message: unknown) => Promise<R>,
): Promise<SQSBatchResponse | R> {
  if (!isSqsBatch(event)) return handleMessage(event);
  const recordHandler = async (record: SQSRecord) => handleMessage(JsonSqsRecordSchema.parse(record).body);
  return processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), {
    context,
    throwOnFullBatchFailure: false,
  });
}
