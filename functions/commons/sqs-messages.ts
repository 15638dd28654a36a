import { z } from 'zod';
import { InputRejectedError } from '#shared/errors.ts';

/** One SQS record as the entry rule needs it; its body is parsed only inside its own handling. */
export interface SqsMessage {
  /** '' when the record has none: then it cannot be handed back, only acknowledged. */
  messageId: string;
  /** ApproximateReceiveCount: 1 on the first delivery. */
  receiveCount: number;
  /** The body parsed as a JSON object; throws InputRejectedError for anything else. */
  body(): unknown;
}

/** The fields of Lambda's SQS record that the entry rule reads. */
const SqsRecordSchema = z
  .object({
    messageId: z.string().min(1),
    body: z.string(),
    eventSourceARN: z.string().optional(),
    attributes: z.object({ ApproximateReceiveCount: z.string().optional() }).loose().optional(),
  })
  .loose();

/** Bodies are named by their start in notices, never copied whole. */
const EXCERPT_CHARS = 80;

export function parseSqsMessage(record: unknown, index: number): SqsMessage {
  const parsed = SqsRecordSchema.safeParse(record);
  if (!parsed.success) {
    const messageId = messageIdOf(record);
    return {
      messageId,
      receiveCount: 1,
      body: () => {
        throw new InputRejectedError(
          `SQS record ${messageId || `#${index}`} is not a Lambda SQS record: ${issuesOf(parsed.error)}`,
        );
      },
    };
  }
  const { messageId, body, eventSourceARN, attributes } = parsed.data;
  const count = Number.parseInt(attributes?.ApproximateReceiveCount ?? '1', 10);
  const from = `SQS message ${messageId}${eventSourceARN ? ` from ${eventSourceARN}` : ''}`;
  return {
    messageId,
    receiveCount: Number.isFinite(count) && count > 0 ? count : 1,
    body: () => jsonObjectOf(body, from),
  };
}

function jsonObjectOf(body: string, from: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    // A RangeError (nesting past what the parser can take) is garbage too, not a retryable fault.
    const why = error instanceof Error ? error.message : String(error);
    throw new InputRejectedError(`${from}: the body is not JSON (${why}): ${excerpt(body)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw new InputRejectedError(`${from}: the body is ${kind}, not a JSON object: ${excerpt(body)}`);
  }
  return value;
}

function messageIdOf(record: unknown): string {
  const id = (record as { messageId?: unknown } | null)?.messageId;
  return typeof id === 'string' ? id : '';
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length <= EXCERPT_CHARS
    ? JSON.stringify(flat)
    : `${JSON.stringify(flat.slice(0, EXCERPT_CHARS))}…`;
}

export function issuesOf(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`)
    .join('; ');
}
