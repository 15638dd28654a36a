import { POLICY_PREFIX } from '#policy/types.ts';
import type { PolicyChange } from '#usecases/policy-change.ts';

interface S3NotificationRecord {
  eventName?: unknown;
  s3?: { object?: { key?: unknown } };
}

/** S3 URL-encodes keys in notifications, with '+' for spaces. */
export function decodeS3Key(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}

/**
 * The policy changes in one S3 notification (parsed JSON): created and removed objects under the
 * policy prefix. The test event S3 sends when notifications are configured yields nothing.
 */
export function policyChangesOf(notification: unknown): PolicyChange[] {
  if (typeof notification !== 'object' || notification === null) return [];
  const records = (notification as { Records?: unknown }).Records;
  if (!Array.isArray(records)) return []; // includes { Event: 's3:TestEvent' }
  return records.flatMap((record: S3NotificationRecord): PolicyChange[] => {
    const name = typeof record.eventName === 'string' ? record.eventName : '';
    const rawKey = record.s3?.object?.key;
    if (typeof rawKey !== 'string') return [];
    const key = decodeS3Key(rawKey);
    if (!key.startsWith(POLICY_PREFIX)) return [];
    if (name.startsWith('ObjectCreated:')) return [{ key, eventKind: 'created' }];
    if (name.startsWith('ObjectRemoved:')) return [{ key, eventKind: 'removed' }];
    return [];
  });
}

/** True for an SQS batch (records with a body) rather than a direct S3 or EventBridge event. */
export function isSqsBatch(event: unknown): event is { Records: { eventSource: 'aws:sqs'; body: string }[] } {
  const records = (event as { Records?: unknown } | null)?.Records;
  return Array.isArray(records) && records.length > 0 && records.every((r) => r?.eventSource === 'aws:sqs');
}
