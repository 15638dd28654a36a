import { describe, expect, it } from 'vitest';
import { type FanoutModelInput, modelFanout, QUOTAS_AND_PRICES } from '#bench/fanout/model.ts';

const base: FanoutModelInput = {
  accounts: 10_000,
  latencyMs: 100,
  chainCalls: 6,
  callsPerAccount: 6,
  batchCalls: 3,
  preludeCalls: 10,
  workers: 40,
  batchSize: 10,
  sequentialSecondsPerAccount: 1,
  ...QUOTAS_AND_PRICES,
};

describe('fan-out model', () => {
  it('Given 10,000 accounts at 100 ms per call and 40 workers, then the change is applied within 60 s, limited by the workers', () => {
    const result = modelFanout(base);
    // 40 batches of 10 at (3 + 6) × 0.1 s ≈ 444 accounts/s once ramped: about 23 s of work, plus ramp and prelude.
    expect(result.applySeconds).toBeGreaterThan(10_000 / 444);
    expect(result.applySeconds).toBeLessThan(60);
    expect(result.binding).toBe('workers');
    expect(result.peakInFlight).toBe(400);
  });

  it('counts calls, invocations and SQS requests exactly from the inputs', () => {
    const result = modelFanout(base);
    expect(result.invocations).toBe(1_000);
    expect(result.awsCalls).toBe(10 + 6 * 10_000 + 3 * 1_000);
    expect(result.sqsRequests).toBe(1_000 + 2 * 1_000);
    expect(result.sequentialSeconds).toBe(10_000);
  });

  it('says STS binds when the workers could assume roles faster than its quota allows', () => {
    const result = modelFanout({ ...base, workers: 200, stsRequestsPerSecond: 300 });
    expect(result.binding).toBe('sts');
    // 10,000 AssumeRole calls at 300 per second.
    expect(result.applySeconds).toBeGreaterThan(10_000 / 300);
  });

  it('says the ramp binds a small fan-out that ends before Lambda has scaled up', () => {
    const result = modelFanout({ ...base, accounts: 500 });
    expect(result.binding).toBe('ramp');
  });

  it('charges GB-seconds for every worker batch at the configured memory', () => {
    const result = modelFanout(base);
    const batchSeconds = (3 + 6) * 0.1;
    expect(result.gbSeconds).toBeGreaterThan(1_000 * batchSeconds * 0.5);
    expect(result.costUsd).toBeGreaterThan(result.gbSeconds * QUOTAS_AND_PRICES.prices.perGbSecond);
  });
});
