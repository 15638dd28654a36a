/**
 * What CloudTrail would record of the IAM calls scp-alt's forwarding rule watches: one record per
 * call made through the proxy, failed ones with their errorCode, the caller as CloudTrail names it
 * (a role session with its sessionIssuer and source identity). moto keeps no trail; tests read
 * these records and forward them as a member account's rule would, so what the dispatcher sees was
 * produced by real calls and real sessions, not written by the test.
 */
import { randomUUID } from 'node:crypto';
import { formatArn, iamRoleArn, parseArn, resourceNameOf } from '#policy/arn.ts';
import { PRINCIPAL_CREATE_EVENTS, TAMPERING_EVENTS } from '#policy/iam-event-names.ts';
import type { CloudTrailRecord, CloudTrailRecordFilter } from '../types.ts';
import { type ProxyResponse, xmlValue } from './aws-errors.ts';
import type { AwsCall } from './fidelity.ts';

const RECORDED = new Set<string>([...PRINCIPAL_CREATE_EVENTS, ...TAMPERING_EVENTS]);

/** Query parameters of the recorded calls, as CloudTrail spells them in requestParameters. */
const PARAMETERS: Record<string, string> = {
  UserName: 'userName',
  RoleName: 'roleName',
  PolicyArn: 'policyArn',
  PermissionsBoundary: 'permissionsBoundary',
  VersionId: 'versionId',
  Path: 'path',
};

export class IamTrail {
  private records: CloudTrailRecord[] = [];

  record(call: AwsCall, answer: ProxyResponse): void {
    if (call.info.service !== 'iam' || !RECORDED.has(call.info.operation)) return;
    const failed = answer.status >= 400;
    const body = answer.body.toString('utf8');
    this.records.push({
      eventVersion: '1.08',
      userIdentity: userIdentityOf(call),
      eventTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      eventSource: 'iam.amazonaws.com',
      eventName: call.info.operation,
      awsRegion: call.info.region,
      sourceIPAddress: '127.0.0.1',
      userAgent: 'local-aws',
      requestParameters: requestParametersOf(call),
      responseElements: null,
      ...(failed
        ? { errorCode: xmlValue(body, 'Code') ?? 'Unknown', errorMessage: xmlValue(body, 'Message') ?? '' }
        : {}),
      requestID: randomUUID(),
      eventID: randomUUID(),
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: call.caller.account,
      eventCategory: 'Management',
    });
  }

  list(filter: CloudTrailRecordFilter = {}): CloudTrailRecord[] {
    return this.records.filter(
      (record) =>
        (filter.account === undefined || record.recipientAccountId === filter.account) &&
        (filter.eventName === undefined || record.eventName === filter.eventName),
    );
  }

  clear(): void {
    this.records = [];
  }
}

function requestParametersOf(call: AwsCall): Record<string, string> | null {
  const entries = Object.entries(PARAMETERS).flatMap(([name, key]) => {
    const value = call.info.params.get(name);
    return value ? [[key, value] as const] : [];
  });
  return entries.length > 0 ? Object.fromEntries(entries) : null;
}

/** `userIdentity` as CloudTrail writes it for a role session, an IAM user or the root user. */
function userIdentityOf(call: AwsCall): CloudTrailRecord['userIdentity'] {
  const { caller, partition } = call;
  const parts = parseArn(caller.principalArn);
  if (caller.sessionName !== undefined && parts?.resource.startsWith('role/')) {
    const roleName = resourceNameOf(caller.principalArn);
    return {
      type: 'AssumedRole',
      arn: formatArn({
        partition,
        service: 'sts',
        region: '',
        accountId: caller.account,
        resource: `assumed-role/${roleName}/${caller.sessionName}`,
      }),
      accountId: caller.account,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          arn: caller.principalArn || iamRoleArn(partition, caller.account, roleName),
          accountId: caller.account,
          userName: roleName,
        },
        ...(caller.sourceIdentity ? { sourceIdentity: caller.sourceIdentity } : {}),
      },
    };
  }
  const isRoot = parts?.resource === 'root';
  return { type: isRoot ? 'Root' : 'IAMUser', arn: caller.principalArn, accountId: caller.account };
}
