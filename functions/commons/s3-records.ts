import { S3Schema } from '@aws-lambda-powertools/parser/schemas/s3';
import { z } from 'zod';
import { POLICY_PREFIX } from '#policy/types.ts';
import { InputRejectedError } from '#shared/errors.ts';
import type { PolicyChange } from '#usecases/policy-change.ts';

/**
 * The fields of powertools' S3 notification record that a policy change reads: the event name and
 * the object. Not the whole record: a record refused for a field we do not read is a policy change
 * lost, and the full schema refuses real ones (an upload over IPv6: `sourceIPAddress` must be IPv4
 * or s3.amazonaws.com) and the local stack's (no `bucket.ownerIdentity`).
 */
const S3RecordSchema = S3Schema.shape.Records.element;
const PolicyObjectRecordSchema = z.object({
  eventName: S3RecordSchema.shape.eventName,
  s3: z.object({ object: S3RecordSchema.shape.s3.shape.object }),
});
const NotificationSchema = z.object({ Records: z.array(z.unknown()) });

/** S3 URL-encodes keys in notifications, with '+' for spaces. Throws URIError on a broken escape. */
export function decodeS3Key(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}

/** The policy changes of one notification, and what in it can never become one. */
export interface S3NotificationContent {
  changes: PolicyChange[];
  /** One line per record that is not an S3 record or whose key does not decode. */
  problems: string[];
}

const S3TestEventSchema = z.object({ Event: z.literal('s3:TestEvent') }).loose();

/**
 * Reads an S3 notification (parsed JSON). Something that is no S3 notification at all throws
 * InputRejectedError; the test event S3 sends when notifications are configured yields nothing.
 */
export function readS3Notification(notification: unknown): S3NotificationContent {
  if (S3TestEventSchema.safeParse(notification).success) return { changes: [], problems: [] };
  const parsed = NotificationSchema.safeParse(notification);
  if (!parsed.success || parsed.data.Records.length === 0) {
    throw new InputRejectedError(`not an S3 notification: ${describeShape(notification)}`);
  }
  const content: S3NotificationContent = { changes: [], problems: [] };
  parsed.data.Records.forEach((raw, index) => {
    const record = PolicyObjectRecordSchema.safeParse(raw);
    if (!record.success) {
      content.problems.push(`record ${index}: not an S3 object record (${describeShape(raw)})`);
      return;
    }
    const encoded = record.data.s3.object.key;
    let key: string;
    try {
      key = decodeS3Key(encoded);
    } catch {
      content.problems.push(
        `record ${index}: key ${JSON.stringify(encoded.slice(0, 200))} is not valid percent-encoding`,
      );
      return;
    }
    content.changes.push(...changeOf(record.data.eventName, key));
  });
  return content;
}

function changeOf(eventName: string, key: string): PolicyChange[] {
  if (!key.startsWith(POLICY_PREFIX)) return [];
  if (eventName.startsWith('ObjectCreated:')) return [{ key, eventKind: 'created' }];
  if (eventName.startsWith('ObjectRemoved:')) return [{ key, eventKind: 'removed' }];
  return [];
}

function describeShape(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value !== 'object') return `a ${typeof value}`;
  const keys = Object.keys(value).slice(0, 5);
  return keys.length === 0 ? 'an empty object' : `an object with ${keys.join(', ')}`;
}

/**
 * The policy changes in one S3 notification (parsed JSON): created and removed objects under the
 * policy prefix; anything else yields nothing.
 */
export function policyChangesOf(notification: unknown): PolicyChange[] {
  try {
    return readS3Notification(notification).changes;
  } catch {
    return [];
  }
}
