/**
 * Events AWS emits on its own that moto does not, switched on by the local environment
 * (`dev/local-env/`) and off for the tests that build such events themselves:
 *
 * - **CloudTrail → EventBridge**: every IAM call that changes something (failed ones too, with
 *   `errorCode`) becomes an "AWS API Call via CloudTrail" event on the default bus of the calling
 *   account, in the partition's IAM events region — as if an organization trail logged management
 *   events everywhere. Rules on that bus (enrollment's `scp-event-rule`) take it from there; moto
 *   delivers cross-account bus targets itself.
 * - **S3 delete markers**: `ObjectRemoved:DeleteMarkerCreated` to the queues the bucket's
 *   notification configuration names.
 *
 * Emission runs after the call has been answered, as AWS delivers these seconds later; `status()`
 * counts what is still on its way, so a caller can wait until everything has arrived.
 */
import { partitionInfo } from '#policy/partition.ts';
import type { EmulationStatus, EmulationSwitches } from '../types.ts';
import type { ProxyResponse } from './aws-errors.ts';
import { cloudTrailRecord } from './cloudtrail-record.ts';
import { EventSenders } from './event-senders.ts';
import type { AwsCall } from './fidelity.ts';
import { motoJson, motoRest } from './moto-client.ts';
import { deleteMarkerEvent, deleteMarkerOf, queuesNotifiedOf } from './s3-delete-markers.ts';

export interface ObservedCall {
  call: AwsCall;
  answer: ProxyResponse;
  method: string;
  url: URL;
  userAgent: string | undefined;
}

const OFF: EmulationSwitches = { cloudTrail: false, s3DeleteMarkers: false };

export class EventEmulation {
  private switches: EmulationSwitches = { ...OFF };
  private pending = 0;
  private delivered = 0;
  private failed = 0;
  /** Where each emitted CloudTrail event came from, restored when a queue hands it out. */
  readonly senders = new EventSenders();

  constructor(private readonly motoUrl: string) {}

  configure(switches: Partial<EmulationSwitches>): void {
    this.switches = { ...this.switches, ...switches };
  }

  /** Back to nothing emulated (what a reset stack starts with). */
  reset(): void {
    this.switches = { ...OFF };
    this.senders.clear();
    this.delivered = 0;
    this.failed = 0;
  }

  status(): EmulationStatus {
    return { ...this.switches, pending: this.pending, delivered: this.delivered, failed: this.failed };
  }

  /** Starts whatever AWS would emit for this answered call; never delays or fails the call. */
  observe(observed: ObservedCall): void {
    const { call } = observed;
    if (this.switches.cloudTrail && call.info.service === 'iam')
      this.track(() => this.emitCloudTrail(observed));
    if (this.switches.s3DeleteMarkers && call.info.service === 's3')
      this.track(() => this.emitDeleteMarker(observed));
  }

  private track(emit: () => Promise<number>): void {
    this.pending += 1;
    emit()
      .then(
        (count) => {
          this.delivered += count;
        },
        (error: unknown) => {
          this.failed += 1;
          process.stderr.write(
            `local-aws event emulation: ${error instanceof Error ? error.message : String(error)}\n`,
          );
        },
      )
      .finally(() => {
        this.pending -= 1;
      });
  }

  private async emitCloudTrail({ call, answer, userAgent }: ObservedCall): Promise<number> {
    const record = cloudTrailRecord({ call, answer, userAgent, now: new Date() });
    if (!record) return 0;
    const region = partitionInfo(call.partition).iamEventsRegion;
    this.senders.remember(String(record.eventID), call.caller.account);
    const entry = {
      Source: 'aws.iam',
      DetailType: 'AWS API Call via CloudTrail',
      Detail: JSON.stringify(record),
      Resources: [],
    };
    const reply = await motoJson(
      { motoUrl: this.motoUrl, service: 'events', region, account: call.caller.account },
      'AWSEvents.PutEvents',
      { Entries: [entry] },
    );
    const failedEntries =
      reply.status === 200 ? (JSON.parse(reply.body) as { FailedEntryCount?: number }).FailedEntryCount : 1;
    if (failedEntries) throw new Error(`PutEvents of ${call.info.operation} failed: ${reply.body}`);
    return 1;
  }

  private async emitDeleteMarker({ call, answer, method, url }: ObservedCall): Promise<number> {
    const marker = deleteMarkerOf(method, url, answer);
    if (!marker) return 0;
    const target = {
      motoUrl: this.motoUrl,
      service: 's3',
      region: call.info.region,
      account: call.caller.account,
    };
    const configuration = await motoRest(target, 'GET', `/${encodeURIComponent(marker.bucket)}?notification`);
    let sent = 0;
    for (const notification of queuesNotifiedOf(configuration.body, marker.key)) {
      const [, partition = '', , region = '', account = '', queueName = ''] =
        notification.queueArn.split(':');
      const message = deleteMarkerEvent(marker, notification, {
        partition,
        region,
        account: call.caller.account,
        now: new Date(),
      });
      const reply = await motoJson(
        { motoUrl: this.motoUrl, service: 'sqs', region, account },
        'AmazonSQS.SendMessage',
        { QueueUrl: `${this.motoUrl}/${account}/${queueName}`, MessageBody: JSON.stringify(message) },
        '1.0',
      );
      if (reply.status !== 200)
        throw new Error(`notification of ${marker.key} to ${notification.queueArn}: ${reply.body}`);
      sent += 1;
    }
    return sent;
  }
}
