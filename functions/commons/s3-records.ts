import { S3Schema } from '@aws-lambda-powertools/parser/schemas/s3';
import { z } from 'zod';
import { POLICY_PREFIX } from '#policy/types.ts';
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

/** S3 URL-encodes keys in notifications, with '+' for spaces. */
export function decodeS3Key(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}

/**
 * The policy changes in one S3 notification (parsed JSON): created and removed objects under the
 * policy prefix. The test event S3 sends when notifications are configured yields nothing.
 */
export function policyChangesOf(notification: unknown): PolicyChange[] {
  const parsed = NotificationSchema.safeParse(notification);
  if (!parsed.success) return []; // includes { Event: 's3:TestEvent' }
  return parsed.data.Records.flatMap((raw): PolicyChange[] => {
    const record = PolicyObjectRecordSchema.safeParse(raw);
    if (!record.success) return [];
    const name = record.data.eventName;
    const key = decodeS3Key(record.data.s3.object.key);
    if (!key.startsWith(POLICY_PREFIX)) return [];
    if (name.startsWith('ObjectCreated:')) return [{ key, eventKind: 'created' }];
    if (name.startsWith('ObjectRemoved:')) return [{ key, eventKind: 'removed' }];
    return [];
  });
}
