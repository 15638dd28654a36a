/**
 * Organizations events as EventBridge delivers them from the management account's trail: the
 * CloudTrail record in `detail`, following the example log entries of the Organizations user guide
 * (Logging API calls with CloudTrail): API calls (MoveAccount, RemoveAccountFromOrganization,
 * CloseAccount, AcceptHandshake…) and service events (CreateAccountResult, CloseAccountResult).
 * Used by the local deployment, the unit tests and the artifact suite alike.
 */
import { randomUUID } from 'node:crypto';
import { formatArn } from '#policy/arn.ts';
import { partitionInfo } from '#policy/partition.ts';

export interface OrganizationsCall {
  /** The management account: the trail that records the call, and the EventBridge `account`. */
  managementAccountId: string;
  partition: string;
  eventName: string;
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  /** Service events only (CreateAccountResult, CloseAccountResult, membership events). */
  serviceEventDetails?: Record<string, unknown>;
  errorCode?: string;
  eventId?: string;
  /** The account whose trail recorded it; the management account unless a member called itself. */
  recipientAccountId?: string;
  /** When the call was made; defaults to now. */
  time?: Date;
}

const cloudTrailTime = (time: Date) => time.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** One EventBridge event ("AWS API Call via CloudTrail" or "AWS Service Event via CloudTrail"). */
export function organizationsEvent(call: OrganizationsCall) {
  const region = partitionInfo(call.partition).organizationsRegion;
  const time = cloudTrailTime(call.time ?? new Date());
  const recipient = call.recipientAccountId ?? call.managementAccountId;
  const serviceEvent = call.serviceEventDetails !== undefined;
  const actor = formatArn({
    partition: call.partition,
    service: 'sts',
    region: '',
    accountId: recipient,
    resource: 'assumed-role/Admin/operator',
  });
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': serviceEvent ? 'AWS Service Event via CloudTrail' : 'AWS API Call via CloudTrail',
    source: 'aws.organizations',
    account: recipient,
    time,
    region,
    resources: [],
    detail: {
      eventVersion: '1.08',
      userIdentity: serviceEvent
        ? { accountId: recipient, invokedBy: 'AWS Internal' }
        : { type: 'AssumedRole', arn: actor, accountId: recipient },
      eventTime: time,
      eventSource: 'organizations.amazonaws.com',
      eventName: call.eventName,
      awsRegion: region,
      sourceIPAddress: serviceEvent ? 'AWS Internal' : '198.51.100.7',
      userAgent: serviceEvent ? 'AWS Internal' : 'aws-cli/2.15.0',
      requestParameters: call.requestParameters ?? null,
      responseElements: call.responseElements ?? null,
      ...(call.errorCode ? { errorCode: call.errorCode, errorMessage: `${call.errorCode} (test)` } : {}),
      ...(serviceEvent ? {} : { requestID: randomUUID() }),
      eventID: call.eventId ?? randomUUID(),
      readOnly: false,
      eventType: serviceEvent ? 'AwsServiceEvent' : 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: recipient,
      ...(serviceEvent ? { serviceEventDetails: call.serviceEventDetails } : {}),
      eventCategory: 'Management',
    },
  };
}

export type OrganizationsEvent = ReturnType<typeof organizationsEvent>;

/**
 * An Identity Center call of the management account as EventBridge delivers it from the trail of
 * the instance's Region: source aws.sso, requestParameters naming the instance and permission set.
 */
export function identityCenterEvent(
  base: Pick<OrganizationsCall, 'managementAccountId' | 'partition'> & { region: string },
  call: { eventName: string; instanceArn: string; permissionSetArn: string; errorCode?: string },
): OrganizationsEvent {
  const event = organizationsEvent({
    ...base,
    eventName: call.eventName,
    requestParameters: { instanceArn: call.instanceArn, permissionSetArn: call.permissionSetArn },
    ...(call.errorCode ? { errorCode: call.errorCode } : {}),
  });
  return {
    ...event,
    source: 'aws.sso',
    region: base.region,
    detail: { ...event.detail, eventSource: 'sso.amazonaws.com', awsRegion: base.region },
  };
}

type Base = Pick<OrganizationsCall, 'managementAccountId' | 'partition' | 'eventId' | 'time'>;

export const moveAccountEvent = (
  base: Base,
  move: { accountId: string; sourceParentId: string; destinationParentId: string },
) => organizationsEvent({ ...base, eventName: 'MoveAccount', requestParameters: move });

export const createAccountResultEvent = (base: Base, accountId: string, state = 'SUCCEEDED') =>
  organizationsEvent({
    ...base,
    eventName: 'CreateAccountResult',
    serviceEventDetails: {
      createAccountStatus: {
        id: `car-${randomUUID().replace(/-/g, '')}`,
        state,
        accountName: '****',
        ...(state === 'SUCCEEDED' ? { accountId } : { failureReason: 'EMAIL_ALREADY_EXISTS' }),
        requestedTimestamp: 'Sep 16, 2020 9:20:50 PM',
        completedTimestamp: 'Sep 16, 2020 9:20:53 PM',
      },
    },
  });

export const removeAccountEvent = (base: Base, accountId: string) =>
  organizationsEvent({
    ...base,
    eventName: 'RemoveAccountFromOrganization',
    requestParameters: { accountId },
  });

export const closeAccountEvent = (base: Base, accountId: string) =>
  organizationsEvent({ ...base, eventName: 'CloseAccount', requestParameters: { accountId } });

export const closeAccountResultEvent = (base: Base, accountId: string) =>
  organizationsEvent({
    ...base,
    eventName: 'CloseAccountResult',
    serviceEventDetails: {
      closeAccountStatus: {
        accountId,
        state: 'SUCCEEDED',
        requestedTimestamp: 'Mar 18, 2022 6:16:58 PM',
        completedTimestamp: 'Mar 18, 2022 6:16:58 PM',
      },
    },
  });

/** AcceptHandshake of an invitation, as the accepting account's trail records it. */
export const acceptHandshakeEvent = (base: Base, accountId: string, organizationId: string) =>
  organizationsEvent({
    ...base,
    eventName: 'AcceptHandshake',
    recipientAccountId: accountId,
    requestParameters: { handshakeId: 'h-examplehandshakeid111' },
    responseElements: {
      handshake: {
        id: 'h-examplehandshakeid111',
        action: 'INVITE',
        state: 'ACCEPTED',
        parties: [
          { type: 'ORGANIZATION', id: organizationId },
          { type: 'ACCOUNT', id: accountId },
        ],
      },
    },
  });
