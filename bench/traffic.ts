import type { ProxyControl } from '#dev/local-aws/control.ts';
import type { CallCount } from '#dev/local-aws/types.ts';
import type { TrafficProfile } from './profile.ts';

/** Latency on every call, and one IAM token bucket per account (the proxy keys buckets by account). */
export async function applyTraffic(control: ProxyControl, traffic: TrafficProfile): Promise<void> {
  await control.clearRules();
  await control.addLatency({ ms: traffic.latencyMs });
  await control.throttle({
    service: 'iam',
    ratePerSecond: traffic.iamRatePerSecond,
    burst: traffic.iamBurst,
  });
}

/** IAM operations that change state; anything else IAM serves is a read. */
const IAM_READ_PREFIXES = ['Get', 'List', 'Simulate', 'Generate'];

export interface CallSummary {
  total: number;
  iamWrites: number;
  iamReads: number;
  throttled: number;
  /** `service:Operation` → calls, sorted by name. */
  byOperation: Record<string, number>;
}

export function summarizeCalls(counts: readonly CallCount[]): CallSummary {
  const byOperation: Record<string, number> = {};
  let iamWrites = 0;
  let iamReads = 0;
  let throttled = 0;
  for (const count of counts) {
    const name = `${count.service}:${count.operation}`;
    byOperation[name] = (byOperation[name] ?? 0) + count.calls;
    throttled += count.throttled;
    if (count.service !== 'iam') continue;
    if (IAM_READ_PREFIXES.some((prefix) => count.operation.startsWith(prefix))) iamReads += count.calls;
    else iamWrites += count.calls;
  }
  const sorted = Object.fromEntries(Object.entries(byOperation).sort(([a], [b]) => a.localeCompare(b)));
  const total = Object.values(byOperation).reduce((sum, calls) => sum + calls, 0);
  return { total, iamWrites, iamReads, throttled, byOperation: sorted };
}

export interface Measured<T> {
  value: T;
  wallMs: number;
  calls: CallSummary;
}

/**
 * Runs `work` alone on the stack and returns what it cost: wall time and every AWS call the proxy
 * saw meanwhile (counters are cleared first, so nothing else may run at the same time).
 */
export async function measure<T>(control: ProxyControl, work: () => Promise<T>): Promise<Measured<T>> {
  await control.clearCalls();
  const started = performance.now();
  const value = await work();
  const wallMs = performance.now() - started;
  return { value, wallMs, calls: summarizeCalls(await control.calls()) };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
