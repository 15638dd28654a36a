import { LocalStackError } from './errors.ts';
import type {
  AuditedCall,
  CallCount,
  CallFilter,
  CloudTrailRecord,
  CloudTrailRecordFilter,
  EmulationStatus,
  EmulationSwitches,
  FaultSpec,
  LatencySpec,
  ThrottleSpec,
} from './types.ts';

/**
 * Typed client of the fidelity proxy's control API. Plain HTTP, so it works from any process
 * (vitest workers included), given the `control` URL of the stack.
 */
export class ProxyControl {
  constructor(private readonly controlUrl: string) {}

  /** Reset moto (every account) and the proxy: rules, counters, known sessions, user boundaries. */
  async reset(): Promise<void> {
    await this.call('POST', '/reset');
  }

  /** Fail the next `spec.count` calls matching the filter with `spec.code`. */
  async injectFault(spec: FaultSpec): Promise<void> {
    await this.call('POST', '/faults', spec);
  }

  async throttle(spec: ThrottleSpec): Promise<void> {
    await this.call('POST', '/throttle', spec);
  }

  async addLatency(spec: LatencySpec): Promise<void> {
    await this.call('POST', '/latency', spec);
  }

  /** Remove every fault, throttle and latency rule (counters stay). */
  async clearRules(): Promise<void> {
    await this.call('DELETE', '/rules');
  }

  async calls(filter: CallFilter = {}): Promise<CallCount[]> {
    const query = new URLSearchParams(
      Object.entries(filter).filter((entry): entry is [string, string] => !!entry[1]),
    );
    return (await this.call('GET', `/calls?${query}`)) as CallCount[];
  }

  /** Total calls matching the filter (refused ones included). */
  async countCalls(filter: CallFilter = {}): Promise<number> {
    return (await this.calls(filter)).reduce((sum, count) => sum + count.calls, 0);
  }

  /** Calls matching the filter that reached the proxy, including those still held by a latency rule. */
  async countArrivals(filter: CallFilter = {}): Promise<number> {
    return (await this.calls(filter)).reduce((sum, count) => sum + count.arrived, 0);
  }

  /** Every operation each role session made since the stack started or was reset. */
  async sessionAudit(): Promise<AuditedCall[]> {
    return (await this.call('GET', '/audit')) as AuditedCall[];
  }

  /**
   * What CloudTrail would have recorded of the IAM calls the forwarding rule watches, made through
   * the proxy since the last reset, oldest first.
   */
  async cloudTrailRecords(filter: CloudTrailRecordFilter = {}): Promise<CloudTrailRecord[]> {
    const query = new URLSearchParams(
      Object.entries(filter).filter((entry): entry is [string, string] => !!entry[1]),
    );
    return (await this.call('GET', `/cloudtrail?${query}`)) as CloudTrailRecord[];
  }

  /**
   * Switch on (or off) events AWS emits and moto does not: CloudTrail "AWS API Call" events of IAM
   * calls on the caller's default bus, S3 delete-marker notifications. Off after every reset.
   */
  async emulateEvents(switches: Partial<EmulationSwitches>): Promise<EmulationStatus> {
    return (await this.call('POST', '/emulation', switches)) as EmulationStatus;
  }

  /** The switches, and how many emulated events are still on their way. */
  async eventEmulation(): Promise<EmulationStatus> {
    return (await this.call('GET', '/emulation')) as EmulationStatus;
  }

  async clearCalls(): Promise<void> {
    await this.call('DELETE', '/calls');
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.controlUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = (await response.json()) as unknown;
    if (!response.ok) {
      throw new LocalStackError('local-stack.control-failed', `${method} ${path}: ${JSON.stringify(answer)}`);
    }
    return answer;
  }
}
