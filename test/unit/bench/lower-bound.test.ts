import { describe, expect, it } from 'vitest';
import { fanoutLowerBoundMs, type LowerBoundInput } from '#bench/lower-bound.ts';

const base: LowerBoundInput = {
  accounts: 100,
  concurrency: 10,
  latencyMs: 20,
  preludeCalls: 2,
  chainCalls: 6,
  iamCallsPerAccount: 3,
  iamBurst: 10,
  iamRatePerSecond: 10,
};

describe('fanoutLowerBoundMs', () => {
  it('Given IAM calls within the burst, Then latency of the dependent chain bounds each round', () => {
    // 2·20 + ⌈100/10⌉ · 6·20
    expect(fanoutLowerBoundMs(base)).toBe(40 + 10 * 120);
  });

  it('Given more IAM calls than the burst, Then the token refill bounds each round', () => {
    // 55 IAM calls, 10 free, 45 at 10/s = 4.5 s (+ one round trip) per round
    expect(fanoutLowerBoundMs({ ...base, iamCallsPerAccount: 55 })).toBe(40 + 10 * 4520);
  });

  it('Given accounts that do not fill the last round, Then that round still counts whole', () => {
    expect(fanoutLowerBoundMs({ ...base, accounts: 101 })).toBe(40 + 11 * 120);
  });
});
