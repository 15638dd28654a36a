/**
 * The CloudTrail record of one IAM call, as EventBridge carries it in the `detail` of an "AWS API
 * Call via CloudTrail" event (CloudTrail record contents, version 1.08). Built from what the proxy
 * saw: the caller, the Query parameters and moto's answer.
 */
import { randomUUID } from 'node:crypto';
import { formatArn, parseArn } from '#policy/arn.ts';
import { partitionInfo } from '#policy/partition.ts';
import { type ProxyResponse, xmlValue } from './aws-errors.ts';
import type { AwsCall } from './fidelity.ts';
import type { Caller } from './identity.ts';

/** EventBridge receives management events that change something; reads stay in the trail only. */
const READ_ONLY = /^(Get|List|Generate|Simulate)/;

/** The parts of a CreateRole / CreateUser answer CloudTrail repeats in `responseElements`. */
const CREATED_ENTITY: Record<string, { element: string; fields: string[] }> = {
  CreateRole: { element: 'role', fields: ['Path', 'RoleName', 'RoleId', 'Arn', 'CreateDate'] },
  CreateUser: { element: 'user', fields: ['Path', 'UserName', 'UserId', 'Arn', 'CreateDate'] },
};

export interface RecordedCall {
  call: AwsCall;
  answer: ProxyResponse;
  userAgent: string | undefined;
  now: Date;
}

/** `RoleName` → `roleName`: CloudTrail names request parameters in lower camel case. */
function cloudTrailName(parameter: string): string {
  return parameter.charAt(0).toLowerCase() + parameter.slice(1);
}

/** Scalar request parameters; list and map members (`Tags.member.1.Key`) are left out. */
function requestParameters(params: URLSearchParams): Record<string, string> | null {
  const entries = [...params.entries()].filter(
    ([name]) => name !== 'Action' && name !== 'Version' && !name.includes('.'),
  );
  return entries.length === 0
    ? null
    : Object.fromEntries(entries.map(([name, value]) => [cloudTrailName(name), value]));
}

function responseElements(operation: string, body: string): Record<string, unknown> | null {
  const created = CREATED_ENTITY[operation];
  if (!created) return null;
  const fields = created.fields.map((field) => [cloudTrailName(field), xmlValue(body, field)] as const);
  return { [created.element]: Object.fromEntries(fields.filter(([, value]) => value !== undefined)) };
}

/** `userIdentity` for a role session, an IAM user or the account root. */
export function userIdentity(caller: Caller): Record<string, unknown> {
  const {
    partition = 'aws',
    accountId = caller.account,
    resource = '',
  } = parseArn(caller.principalArn) ?? {};
  if (caller.sessionName !== undefined && resource.startsWith('role/')) {
    const roleName = resource.slice(resource.lastIndexOf('/') + 1);
    return {
      type: 'AssumedRole',
      arn: formatArn({
        partition,
        service: 'sts',
        region: '',
        accountId,
        resource: `assumed-role/${roleName}/${caller.sessionName}`,
      }),
      accountId,
      sessionContext: {
        sessionIssuer: { type: 'Role', arn: caller.principalArn, accountId, userName: roleName },
        attributes: { mfaAuthenticated: 'false' },
        // Set on the role chain by STS and kept by every later hop (how scp-alt knows its own calls).
        ...(caller.sourceIdentity ? { sourceIdentity: caller.sourceIdentity } : {}),
      },
    };
  }
  if (resource.startsWith('user/'))
    return {
      type: 'IAMUser',
      arn: caller.principalArn,
      accountId,
      userName: resource.slice(resource.lastIndexOf('/') + 1),
    };
  return { type: 'Root', arn: caller.principalArn, accountId };
}

/** The record of an IAM call that changed (or tried to change) something; undefined for reads. */
export function cloudTrailRecord({
  call,
  answer,
  userAgent,
  now,
}: RecordedCall): Record<string, unknown> | undefined {
  const { operation, params } = call.info;
  if (call.info.service !== 'iam' || READ_ONLY.test(operation)) return undefined;
  const body = answer.body.toString('utf8');
  const failed = answer.status >= 300;
  return {
    eventVersion: '1.08',
    userIdentity: userIdentity(call.caller),
    eventTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: 'iam.amazonaws.com',
    eventName: operation,
    // IAM is global: its events are recorded in the partition's IAM events region.
    awsRegion: partitionInfo(call.partition).iamEventsRegion,
    sourceIPAddress: '127.0.0.1',
    userAgent: userAgent ?? 'unknown',
    ...(failed
      ? {
          errorCode: xmlValue(body, 'Code') ?? `HTTP${answer.status}`,
          errorMessage: xmlValue(body, 'Message') ?? '',
        }
      : {}),
    requestParameters: requestParameters(params),
    responseElements: failed ? null : responseElements(operation, body),
    requestID: answer.headers['x-amzn-requestid'] ?? xmlValue(body, 'RequestId') ?? randomUUID(),
    eventID: randomUUID(),
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: call.caller.account,
    eventCategory: 'Management',
  };
}
