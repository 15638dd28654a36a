/**
 * Real-shaped events for the three handlers: the CloudFormation custom-resource request a Service
 * Catalog launch produces, the S3 notifications the policy bucket actually emitted, and CloudTrail
 * "AWS API Call" events carried by the security bus to its queue, as production delivers them.
 */

import { createHash, randomUUID } from 'node:crypto';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { SQSEvent } from 'aws-lambda';
import { formatArn, regionalArn, s3BucketArn } from '#policy/arn.ts';
import { partitionOfArn } from '#policy/partition.ts';
import { drainQueue, type ObservedQueue } from '../local-aws/observe.ts';
import type { CloudTrailRecord } from '../local-aws/types.ts';
import type { Deployment } from './deployment.ts';
import type { OrganizationsEvent } from './organization-events.ts';

export type CfnRequestType = 'Create' | 'Update' | 'Delete';

export interface RegistrationRequest {
  requestType: CfnRequestType;
  responseUrl: string;
  requestId: string;
  memberAccountId: string;
  ouId: string;
  /** Set by CloudFormation on Update and Delete: what the Create answered. */
  physicalResourceId?: string;
  createCloudTrail?: 'yes' | 'no';
  /** Comma-separated trail names or ARNs (the product's ProtectedTrails parameter). */
  protectedTrails?: string;
  /** The product's StandaloneExternalId parameter: set for an account outside the organization. */
  standaloneExternalId?: string;
  /** Names the provisioned product (one stack for its life); defaults to the member account. */
  product?: string;
}

/** The stack Service Catalog runs for one provisioned product: `SC-<account>-pp-<id>/<uuid>`, stable. */
export function provisionedProductStackId(deployment: Deployment, product: string): string {
  const partition = partitionOfArn(deployment.topicArn);
  const region = deployment.environment.AWS_REGION ?? '';
  const account = deployment.securityAccountId;
  const digest = createHash('sha256').update(product).digest('hex');
  const uuid = [
    digest.slice(0, 8),
    digest.slice(8, 12),
    digest.slice(12, 16),
    digest.slice(16, 20),
    digest.slice(20, 32),
  ];
  return regionalArn(
    partition,
    'cloudformation',
    region,
    account,
    `stack/SC-${account}-pp-${digest.slice(32, 45)}/${uuid.join('-')}`,
  );
}

/** The request CloudFormation sends to account-register for the Service Catalog product's resource. */
export function serviceCatalogRequest(deployment: Deployment, request: RegistrationRequest) {
  const partition = partitionOfArn(deployment.topicArn);
  const region = deployment.environment.AWS_REGION ?? '';
  const account = deployment.securityAccountId;
  const properties = {
    ServiceToken: regionalArn(partition, 'lambda', region, account, 'function:scp-alt-prod-account-register'),
    MemberAccountID: request.memberAccountId,
    OrganizationUnitID: request.ouId,
    CreateCloudTrail: request.createCloudTrail ?? 'no',
    ...(request.protectedTrails !== undefined ? { ProtectedTrails: request.protectedTrails } : {}),
    ...(request.standaloneExternalId !== undefined
      ? { StandaloneExternalId: request.standaloneExternalId }
      : {}),
  };
  return {
    RequestType: request.requestType,
    ServiceToken: properties.ServiceToken,
    ResponseURL: request.responseUrl,
    StackId: provisionedProductStackId(deployment, request.product ?? request.memberAccountId),
    RequestId: request.requestId,
    LogicalResourceId: 'ScpAccountRegister',
    ResourceType: 'Custom::ScpAccountRegister',
    ...(request.physicalResourceId ? { PhysicalResourceId: request.physicalResourceId } : {}),
    ResourceProperties: properties,
  };
}

/** An S3 event message as S3 delivers it (only the fields tests read are typed). */
export interface S3Notification {
  Records: {
    eventName: string;
    s3: {
      bucket: { name: string; [field: string]: unknown };
      object: { key: string; [field: string]: unknown };
      [field: string]: unknown;
    };
    [field: string]: unknown;
  }[];
}

/**
 * The notifications the policy bucket emitted since the last call (the test event S3 sends on
 * configuration is dropped): exactly what S3 hands to s3-event-dispatcher.
 */
export async function takeS3Notifications(deployment: Deployment, atLeast = 1): Promise<S3Notification[]> {
  const bodies = await drainQueue(deployment.clients.sqs, deployment.policyEventQueue.url, { atLeast });
  return bodies.filter(
    (body): body is S3Notification =>
      typeof body === 'object' && body !== null && Array.isArray((body as { Records?: unknown }).Records),
  );
}

/**
 * The notification S3 sends when a delete in a versioned bucket creates a delete marker. moto
 * emits none for versioned buckets, so this one is built to the S3 event message structure
 * (version 2.1), with the key encoded as S3 encodes it.
 */
export function deleteMarkerNotification(
  deployment: Deployment,
  key: string,
  deleteMarkerVersionId: string,
): S3Notification {
  const partition = partitionOfArn(deployment.topicArn);
  const encodedKey = encodeURIComponent(key).replace(/%20/g, '+');
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: deployment.environment.AWS_REGION ?? '',
        eventTime: new Date().toISOString(),
        eventName: 'ObjectRemoved:DeleteMarkerCreated',
        userIdentity: { principalId: `AWS:${deployment.securityAccountId}` },
        requestParameters: { sourceIPAddress: '198.51.100.7' },
        responseElements: { 'x-amz-request-id': randomUUID(), 'x-amz-id-2': randomUUID() },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'scp-alt-policy-changes',
          bucket: {
            name: deployment.bucket,
            ownerIdentity: { principalId: deployment.securityAccountId },
            arn: s3BucketArn(partition, deployment.bucket),
          },
          object: { key: encodedKey, versionId: deleteMarkerVersionId, sequencer: Date.now().toString(16) },
        },
      },
    ],
  };
}

export interface IamCallDetail {
  accountId: string;
  eventName: string;
  /** `userName` or `roleName` in the request parameters. */
  principal?: { kind: 'user' | 'role'; name: string };
  /** `policyArn` in the request parameters (Detach*Policy, CreatePolicyVersion, …). */
  policyArn?: string;
  /** Who made the call; defaults to an administrator's role session in the account. */
  actorArn?: string;
  eventId?: string;
  errorCode?: string;
  /** SourceIdentity of the caller's session (userIdentity.sessionContext.sourceIdentity). */
  sourceIdentity?: string;
  /** The account whose rule forwards the event; the account of the call unless forged. */
  senderAccountId?: string;
  /** `source` of the event; `aws.iam` unless forged. */
  source?: string;
}

/** The CloudTrail record of an IAM call, as EventBridge wraps it in `detail`. */
export function cloudTrailDetail(deployment: Deployment, call: IamCallDetail) {
  const partition = partitionOfArn(deployment.topicArn);
  const actorArn =
    call.actorArn ??
    formatArn({
      partition,
      service: 'sts',
      region: '',
      accountId: call.accountId,
      resource: 'assumed-role/Admin/operator',
    });
  const nameKey = call.principal?.kind === 'user' ? 'userName' : 'roleName';
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'AssumedRole',
      arn: actorArn,
      accountId: call.accountId,
      ...(call.sourceIdentity ? { sessionContext: { sourceIdentity: call.sourceIdentity } } : {}),
    },
    eventTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: 'iam.amazonaws.com',
    eventName: call.eventName,
    awsRegion: deployment.environment.AWS_REGION,
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0',
    requestParameters:
      call.principal || call.policyArn
        ? {
            ...(call.principal ? { [nameKey]: call.principal.name } : {}),
            ...(call.policyArn ? { policyArn: call.policyArn } : {}),
          }
        : null,
    responseElements: null,
    ...(call.errorCode ? { errorCode: call.errorCode, errorMessage: `${call.errorCode} (test)` } : {}),
    requestID: randomUUID(),
    eventID: call.eventId ?? randomUUID(),
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: call.accountId,
    eventCategory: 'Management',
  };
}

/**
 * Forwards IAM calls to the security bus as the member accounts' rule does, and returns what the
 * bus rule delivered to the queue wrapped as the SQS batch Lambda gives iam-event-dispatcher.
 */
export async function forwardIamCalls(deployment: Deployment, calls: IamCallDetail[]): Promise<SQSEvent> {
  return forwardEvents(
    deployment,
    calls.map((call) => ({
      detail: cloudTrailDetail(deployment, call),
      senderAccountId: call.senderAccountId ?? call.accountId,
      source: call.source ?? 'aws.iam',
    })),
  );
}

/**
 * Forwards CloudTrail records the local stack kept of real calls (ProxyControl.cloudTrailRecords),
 * each from the account it was made in, as that account's forwarding rule would.
 */
export function forwardCloudTrailRecords(
  deployment: Deployment,
  records: readonly CloudTrailRecord[],
): Promise<SQSEvent> {
  return forwardEvents(
    deployment,
    records.map((record) => ({
      detail: record,
      senderAccountId: record.recipientAccountId,
      source: 'aws.iam',
    })),
  );
}

interface ForwardedEvent {
  detail: unknown;
  senderAccountId: string;
  source: string;
}

/**
 * EventBridge keeps the account an event was sent from when a rule forwards it to another
 * account's bus; moto stamps the receiving bus's account on it instead. The events are put on the
 * security bus here, and the account each one was sent from is restored on what the queue
 * delivers (matched by event id), so the function sees what production delivers.
 */
async function forwardEvents(deployment: Deployment, events: ForwardedEvent[]): Promise<SQSEvent> {
  const { clients, busArn, iamEventQueue } = deployment;
  const { Entries = [] } = await clients.events.send(
    new PutEventsCommand({
      Entries: events.map((event) => ({
        EventBusName: busArn,
        Source: event.source,
        DetailType: 'AWS API Call via CloudTrail',
        Detail: JSON.stringify(event.detail),
      })),
    }),
  );
  const senderOf = new Map(
    Entries.map((entry, index) => [entry.EventId ?? '', events[index]?.senderAccountId ?? '']),
  );
  const bodies = await drainQueue(clients.sqs, iamEventQueue.url, { atLeast: events.length });
  const restored = bodies.map((body) => {
    const event = body as { id?: string; account?: string };
    const sender = senderOf.get(event.id ?? '');
    return sender ? { ...event, account: sender } : body;
  });
  return sqsEvent(deployment, iamEventQueue, restored);
}

/**
 * Puts Organizations events on the security bus as the management account's rule does
 * (templates/organization-events.yaml), and returns what the bus rule delivered to the
 * organization-event queue, wrapped as the SQS batch Lambda gives organization-event-dispatcher.
 */
export async function forwardOrganizationsEvents(
  deployment: Deployment,
  events: OrganizationsEvent[],
): Promise<SQSEvent> {
  const { clients, busArn, organizationEventQueue } = deployment;
  // PutEvents takes at most 10 entries.
  for (let start = 0; start < events.length; start += 10) {
    await clients.events.send(
      new PutEventsCommand({
        Entries: events.slice(start, start + 10).map((event) => ({
          EventBusName: busArn,
          Source: event.source,
          DetailType: event['detail-type'],
          Detail: JSON.stringify(event.detail),
          Time: new Date(event.time),
        })),
      }),
    );
  }
  const bodies = await drainQueue(clients.sqs, organizationEventQueue.url, { atLeast: events.length });
  return sqsEvent(deployment, organizationEventQueue, bodies);
}

/** The batch Lambda's SQS event source hands a function: one record per message body (JSON). */
export function sqsEvent(deployment: Deployment, queue: ObservedQueue, bodies: unknown[]): SQSEvent {
  return {
    Records: bodies.map((body) => ({
      messageId: randomUUID(),
      receiptHandle: randomUUID(),
      body: JSON.stringify(body),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: deployment.securityAccountId,
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(JSON.stringify(body)).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: deployment.environment.AWS_REGION ?? '',
    })),
  };
}

/**
 * What an EventBridge schedule rule delivers to its target (the "Scheduled Event" shape). The rule
 * is named as CloudFormation names a rule without a Name: stack, logical id, random suffix.
 */
export function scheduledEvent(deployment: Deployment, ruleLogicalId: string) {
  const [, partition] = deployment.topicArn.split(':');
  const region = deployment.environment.AWS_REGION ?? '';
  const suffix = randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase();
  const ruleName = `scp-alt-prod-${ruleLogicalId}`.slice(0, 50);
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: deployment.securityAccountId,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [
      `arn:${partition}:events:${region}:${deployment.securityAccountId}:rule/${ruleName}-${suffix}`,
    ],
    detail: {},
  };
}
