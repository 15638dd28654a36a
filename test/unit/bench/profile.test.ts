import { describe, expect, it } from 'vitest';
import { BENCH_SECTIONS, isPartialRun, PROFILES, parseLatencies, profileFromArgs } from '#bench/profile.ts';
import { headlineRow } from '#bench/report.ts';

describe('profileFromArgs', () => {
  it('Given --quick without --latency, Then the quick profile sweeps its default latencies', () => {
    expect(profileFromArgs(['--quick'])).toBe(PROFILES.quick);
  });

  it('Given --latency 100, Then only that latency is swept', () => {
    const profile = profileFromArgs(['--quick', '--latency', '100']);
    expect(profile.name).toBe('quick');
    expect(profile.latenciesMs).toEqual([100]);
  });

  it('Given --latency=100,25, Then both are swept in increasing order', () => {
    expect(profileFromArgs(['--latency=100,25']).latenciesMs).toEqual([25, 100]);
  });

  it('Given --latency without a value, Then it refuses', () => {
    expect(() => profileFromArgs(['--latency', '--quick'])).toThrow(/needs a value/);
  });

  it('Given no --only, Then every section is measured and the run writes the main results file', () => {
    expect(PROFILES.full.sections).toEqual(BENCH_SECTIONS);
    expect(isPartialRun(profileFromArgs([]))).toBe(false);
  });

  it('Given --only fanout on the full profile, Then the full fleet sizes are measured in that section alone', () => {
    const profile = profileFromArgs(['--only', 'fanout']);
    expect(profile.sections).toEqual(['fanout']);
    expect(profile.fanoutSizes).toEqual([100, 1000]);
    expect(isPartialRun(profile)).toBe(true);
  });

  it('Given --only with a section that does not exist, Then it refuses naming the sections there are', () => {
    expect(() => profileFromArgs(['--only=fanout,speed'])).toThrow(/per-event, fanout, spill, footprint/);
  });
});

describe('parseLatencies', () => {
  it('Given a value that is not a number of milliseconds, Then it refuses', () => {
    expect(() => parseLatencies('25,fast')).toThrow(/milliseconds/);
    expect(() => parseLatencies('-5')).toThrow(/milliseconds/);
  });
});

describe('headlineRow', () => {
  const row = (accounts: number, latencyMs: number) => ({ accounts, latencyMs });

  it('Given the headline latency was swept, Then the largest fleet at that latency is chosen', () => {
    const rows = [row(100, 25), row(100, 100), row(1000, 25), row(1000, 100), row(1000, 200)];
    expect(headlineRow(rows)).toEqual(row(1000, 100));
  });

  it('Given the headline latency was not swept, Then the highest latency of the largest fleet is chosen', () => {
    expect(headlineRow([row(100, 25), row(100, 50), row(10, 400)])).toEqual(row(100, 50));
  });

  it('Given no rows, Then there is no headline row', () => {
    expect(headlineRow([])).toBeUndefined();
  });
});
