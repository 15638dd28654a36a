/**
 * S3 sends `ObjectRemoved:DeleteMarkerCreated` when a delete in a versioned bucket leaves a delete
 * marker; moto sends nothing then. This finds the bucket's queue notifications that ask for the
 * event (event type, prefix and suffix filters) and builds the message S3 would send (S3 event
 * message structure, version 2.1).
 */
import { randomUUID } from 'node:crypto';
import { s3BucketArn } from '#policy/arn.ts';
import { type ProxyResponse, unescapeXml } from './aws-errors.ts';

export interface DeleteMarker {
  bucket: string;
  key: string;
  versionId: string;
}

export interface QueueNotification {
  queueArn: string;
  configurationId: string;
}

/** The delete marker an answer reports for a DeleteObject without versionId, else undefined. */
export function deleteMarkerOf(method: string, url: URL, answer: ProxyResponse): DeleteMarker | undefined {
  if (method !== 'DELETE' || url.searchParams.has('versionId') || answer.status >= 300) return undefined;
  if (answer.headers['x-amz-delete-marker'] !== 'true') return undefined;
  const [bucket = '', ...keyParts] = url.pathname.split('/').filter((part) => part.length > 0);
  if (!bucket || keyParts.length === 0) return undefined;
  const key = decodeURIComponent(keyParts.join('/'));
  return { bucket, key, versionId: answer.headers['x-amz-version-id'] ?? '' };
}

const EVENT_NAMES = ['s3:ObjectRemoved:*', 's3:ObjectRemoved:DeleteMarkerCreated'];

/** Queue configurations of a GetBucketNotificationConfiguration answer that want this marker. */
export function queuesNotifiedOf(notificationXml: string, key: string): QueueNotification[] {
  const configurations = [
    ...notificationXml.matchAll(/<QueueConfiguration>([\s\S]*?)<\/QueueConfiguration>/g),
  ];
  return configurations.flatMap(([, body = '']) => {
    const text = (tag: string) => unescapeXml(new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(body)?.[1] ?? '');
    const events = [...body.matchAll(/<Event>([^<]*)<\/Event>/g)].map((match) => match[1] ?? '');
    if (!events.some((event) => EVENT_NAMES.includes(event))) return [];
    const rules = [...body.matchAll(/<FilterRule>([\s\S]*?)<\/FilterRule>/g)].map(([, rule = '']) => ({
      name: (/<Name>([^<]*)<\/Name>/.exec(rule)?.[1] ?? '').toLowerCase(),
      value: unescapeXml(/<Value>([^<]*)<\/Value>/.exec(rule)?.[1] ?? ''),
    }));
    const passes = rules.every(
      (rule) =>
        (rule.name === 'prefix' && key.startsWith(rule.value)) ||
        (rule.name === 'suffix' && key.endsWith(rule.value)),
    );
    return passes ? [{ queueArn: text('Queue'), configurationId: text('Id') }] : [];
  });
}

/** S3 URL-encodes the key in event messages (a space as `+`), keeping `/` as it is. */
function eventKey(key: string): string {
  return encodeURIComponent(key).replaceAll('%2F', '/').replaceAll('%20', '+');
}

export function deleteMarkerEvent(
  marker: DeleteMarker,
  notification: QueueNotification,
  context: { partition: string; region: string; account: string; now: Date },
): Record<string, unknown> {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: context.region,
        eventTime: context.now.toISOString(),
        eventName: 'ObjectRemoved:DeleteMarkerCreated',
        userIdentity: { principalId: `AWS:${context.account}` },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': randomUUID(), 'x-amz-id-2': randomUUID() },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: notification.configurationId,
          bucket: {
            name: marker.bucket,
            ownerIdentity: { principalId: context.account },
            arn: s3BucketArn(context.partition, marker.bucket),
          },
          object: {
            key: eventKey(marker.key),
            versionId: marker.versionId,
            sequencer: context.now.getTime().toString(16).toUpperCase(),
          },
        },
      },
    ],
  };
}
