/**
 * Events shaped as AWS delivers them to the dispatchers: an S3 notification record, an EventBridge
 * "AWS API Call via CloudTrail" event, and an SQS batch wrapping either.
 */
import type { SQSEvent } from 'aws-lambda';

const SECURITY_ACCOUNT = '999999999999';
const REGION = 'cn-northwest-1';

/** One S3 notification record for `key` (URL-encoded as S3 does, '+' for spaces). */
export function s3Notification(eventName: string, key: string, sourceIPAddress = '198.51.100.7') {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: REGION,
        eventTime: '2026-03-01T12:00:00.000Z',
        eventName,
        userIdentity: { principalId: `AWS:${SECURITY_ACCOUNT}` },
        requestParameters: { sourceIPAddress },
        responseElements: { 'x-amz-request-id': 'req', 'x-amz-id-2': 'id2' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'scp-alt-policy-changes',
          bucket: {
            name: `scp-alt-${SECURITY_ACCOUNT}`,
            ownerIdentity: { principalId: SECURITY_ACCOUNT },
            arn: `arn:aws-cn:s3:::scp-alt-${SECURITY_ACCOUNT}`,
          },
          object: { key: encodeURIComponent(key).replace(/%20/g, '+'), sequencer: '0A1B2C' },
        },
      },
    ],
  };
}

/** An IAM call in `account` as the member's rule forwards it to the security bus. */
export function cloudTrailEvent(
  account: string,
  eventId: string,
  detail: Record<string, unknown>,
  detailType = 'AWS API Call via CloudTrail',
) {
  return {
    version: '0',
    id: `eb-${eventId}`,
    'detail-type': detailType,
    source: 'aws.iam',
    account,
    time: '2026-03-01T12:00:00Z',
    region: 'cn-north-1',
    resources: [],
    detail: {
      eventID: eventId,
      eventName: 'CreateRole',
      eventSource: 'iam.amazonaws.com',
      recipientAccountId: account,
      userIdentity: { type: 'AssumedRole', arn: `arn:aws-cn:sts::${account}:assumed-role/Developer/jane` },
      requestParameters: { roleName: 'new-role', assumeRolePolicyDocument: '{}' },
      ...detail,
    },
  };
}

/** An SQS batch as Lambda delivers it, one record per body (objects are sent as JSON). */
export function sqsBatch(queueName: string, bodies: unknown[]): SQSEvent {
  return {
    Records: bodies.map((body, index) => ({
      messageId: `m${index}`,
      receiptHandle: 'r',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '1772366400000',
        SenderId: 'AIDAEXAMPLE',
        ApproximateFirstReceiveTimestamp: '1772366400001',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws-cn:sqs:${REGION}:${SECURITY_ACCOUNT}:${queueName}`,
      awsRegion: REGION,
    })),
  };
}
