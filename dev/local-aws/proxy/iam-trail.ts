/**
 * What CloudTrail would record of the IAM calls scp-alt's forwarding rule watches: one record per
 * call made through the proxy, failed ones with their errorCode, the caller as CloudTrail names it
 * (a role session with its sessionIssuer and source identity). moto keeps no trail; tests read
 * these records and forward them as a member account's rule would, so what the dispatcher sees was
 * produced by real calls and real sessions, not written by the test.
 */
import { PRINCIPAL_CREATE_EVENTS, TAMPERING_EVENTS } from '#policy/iam-event-names.ts';
import type { CloudTrailRecord, CloudTrailRecordFilter } from '../types.ts';
import type { ProxyResponse } from './aws-errors.ts';
import { cloudTrailRecord } from './cloudtrail-record.ts';
import type { AwsCall } from './fidelity.ts';

const RECORDED = new Set<string>([...PRINCIPAL_CREATE_EVENTS, ...TAMPERING_EVENTS]);

export class IamTrail {
  private records: CloudTrailRecord[] = [];

  record(call: AwsCall, answer: ProxyResponse): void {
    if (call.info.service !== 'iam' || !RECORDED.has(call.info.operation)) return;
    const record = cloudTrailRecord({ call, answer, userAgent: 'local-aws', now: new Date() });
    if (record) this.records.push(record as unknown as CloudTrailRecord);
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
