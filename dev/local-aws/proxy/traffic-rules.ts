import type { CallCount, CallFilter, FaultSpec, LatencySpec, ThrottleSpec } from '../types.ts';
import { TokenBucket } from './token-bucket.ts';

/** The identity of one call as rules and counters see it. */
export interface CallKey {
  service: string;
  operation: string;
  account: string;
  /** The account the call acts in (CallFilter.targetAccount). */
  targetAccount: string;
}

export type CallOutcome = 'passed' | 'throttled' | 'faulted';

function matches(filter: CallFilter, call: CallKey): boolean {
  return (
    (filter.service === undefined || filter.service.toLowerCase() === call.service) &&
    (filter.operation === undefined || filter.operation === call.operation) &&
    (filter.account === undefined || filter.account === call.account) &&
    (filter.targetAccount === undefined || filter.targetAccount === call.targetAccount)
  );
}

interface ThrottleRule {
  spec: ThrottleSpec;
  buckets: Map<string, TokenBucket>;
}

/** Faults, throttling and latency the tests asked for. Mutable by design: it is the proxy's state. */
export class TrafficRules {
  private faults: FaultSpec[] = [];
  private throttles: ThrottleRule[] = [];
  private latencies: LatencySpec[] = [];

  addFault(spec: FaultSpec): void {
    this.faults.push({ ...spec });
  }

  addThrottle(spec: ThrottleSpec): void {
    this.throttles.push({ spec: { ...spec }, buckets: new Map() });
  }

  addLatency(spec: LatencySpec): void {
    this.latencies.push({ ...spec });
  }

  clear(): void {
    this.faults = [];
    this.throttles = [];
    this.latencies = [];
  }

  describe(): { faults: FaultSpec[]; throttles: ThrottleSpec[]; latencies: LatencySpec[] } {
    return {
      faults: [...this.faults],
      throttles: this.throttles.map((rule) => rule.spec),
      latencies: [...this.latencies],
    };
  }

  latencyFor(call: CallKey): number {
    return Math.max(0, ...this.latencies.filter((spec) => matches(spec, call)).map((spec) => spec.ms));
  }

  /** Consume one use of the first fault that matches; the fault disappears after `count` uses. */
  takeFault(call: CallKey): FaultSpec | undefined {
    const fault = this.faults.find((spec) => spec.count > 0 && matches(spec, call));
    if (!fault) return undefined;
    fault.count -= 1;
    this.faults = this.faults.filter((spec) => spec.count > 0);
    return fault;
  }

  /** Every matching rule keeps one bucket per account and service; any empty bucket throttles. */
  isThrottled(call: CallKey, nowMs: number): boolean {
    let throttled = false;
    for (const rule of this.throttles) {
      const { service, account, targetAccount } = rule.spec;
      if (!matches({ service, account, targetAccount }, call)) continue;
      const bucketKey = `${call.account}|${call.service}`;
      let bucket = rule.buckets.get(bucketKey);
      if (!bucket) {
        bucket = new TokenBucket(rule.spec.ratePerSecond, rule.spec.burst, nowMs);
        rule.buckets.set(bucketKey, bucket);
      }
      if (!bucket.tryTake(nowMs)) throttled = true;
    }
    return throttled;
  }
}

export class CallCounter {
  private readonly counts = new Map<string, CallCount>();

  arrive(call: CallKey): void {
    this.countOf(call).arrived += 1;
  }

  record(call: CallKey, outcome: CallOutcome): void {
    const count = this.countOf(call);
    count.calls += 1;
    if (outcome === 'throttled') count.throttled += 1;
    if (outcome === 'faulted') count.faulted += 1;
  }

  private countOf(call: CallKey): CallCount {
    const key = `${call.service}|${call.operation}|${call.account}|${call.targetAccount}`;
    let count = this.counts.get(key);
    if (!count) {
      count = { ...call, arrived: 0, calls: 0, throttled: 0, faulted: 0 };
      this.counts.set(key, count);
    }
    return count;
  }

  list(filter: CallFilter = {}): CallCount[] {
    return [...this.counts.values()].filter((count) => matches(filter, count)).map((count) => ({ ...count }));
  }

  clear(): void {
    this.counts.clear();
  }
}
