/** What one benchmark run does: sizes, repetitions and the simulated AWS traffic conditions. */
export interface TrafficProfile {
  /** Added by the proxy to every AWS call before it reaches moto (one network round trip). */
  latencyMs: number;
  /** IAM token bucket of every account: calls per second and burst (AWS throttles IAM per account). */
  iamRatePerSecond: number;
  iamBurst: number;
}

export interface BenchProfile {
  name: 'quick' | 'full';
  /**
   * Per-call latencies the fan-out is measured at, in increasing order. The per-event section runs
   * at the first only (its calls are sequential, so latency scales both sides alike).
   */
  latenciesMs: number[];
  iamRatePerSecond: number;
  iamBurst: number;
  /** Warm CreateRole events measured per case (after the warm-up events). */
  eventsPerCase: number;
  /** Enrolled accounts reached by the policy change, in increasing order; the last is the headline. */
  fanoutSizes: number[];
  principalsPerAccount: number;
  /**
   * Accounts the sequential baseline is run on, per fan-out size and latency; fewer than the size
   * means the rest is extrapolated (the baseline does the same calls for every account, one after
   * another, so its time grows with the latency and the sample shrinks to keep the run short).
   */
  baselineSample: (accounts: number, latencyMs: number) => number;
  /** Fresh `node` processes per bundle for the cold-start median. */
  coldStartRuns: number;
  /** The sections this run measures; all of them unless `--only` names some. */
  sections: readonly BenchSection[];
}

export const BENCH_SECTIONS = ['per-event', 'fanout', 'spill', 'footprint'] as const;
export type BenchSection = (typeof BENCH_SECTIONS)[number];

/**
 * The latency the headline speedup is reported at when it was swept: our assumption for one
 * in-region IAM or STS call from Lambda (not a measurement; BENCHMARKS.md says why).
 */
export const HEADLINE_LATENCY_MS = 100;

const SWEEP_MS = [25, HEADLINE_LATENCY_MS];
const IAM_BUCKET = { iamRatePerSecond: 10, iamBurst: 10 };

export const PROFILES: Record<BenchProfile['name'], BenchProfile> = {
  quick: {
    name: 'quick',
    latenciesMs: SWEEP_MS,
    ...IAM_BUCKET,
    eventsPerCase: 5,
    fanoutSizes: [100],
    principalsPerAccount: 50,
    baselineSample: (_accounts, latencyMs) => (latencyMs <= 25 ? 20 : 10),
    coldStartRuns: 3,
    sections: BENCH_SECTIONS,
  },
  full: {
    name: 'full',
    latenciesMs: SWEEP_MS,
    ...IAM_BUCKET,
    eventsPerCase: 20,
    fanoutSizes: [100, 1000],
    principalsPerAccount: 50,
    baselineSample: (accounts, latencyMs) => Math.min(accounts, latencyMs <= 25 ? 200 : 50),
    coldStartRuns: 7,
    sections: BENCH_SECTIONS,
  },
};

export function trafficAt(profile: BenchProfile, latencyMs: number): TrafficProfile {
  return { latencyMs, iamRatePerSecond: profile.iamRatePerSecond, iamBurst: profile.iamBurst };
}

/**
 * `--quick` selects the quick profile; `--latency 100` or `--latency 25,100` replaces the latency
 * sweep (milliseconds per call, sorted); `--only fanout` or `--only fanout,spill` measures those
 * sections alone (a full fan-out to 1,000 accounts without the rest, for instance).
 */
export function profileFromArgs(args: readonly string[]): BenchProfile {
  const profile = args.includes('--quick') ? PROFILES.quick : PROFILES.full;
  const latencies = optionValue(args, '--latency', 'milliseconds');
  const only = optionValue(args, '--only', 'section names');
  if (latencies === undefined && only === undefined) return profile;
  return {
    ...profile,
    ...(latencies === undefined ? {} : { latenciesMs: parseLatencies(latencies) }),
    ...(only === undefined ? {} : { sections: parseSections(only) }),
  };
}

/** A run that measured fewer than all sections, named for its results file. */
export function isPartialRun(profile: BenchProfile): boolean {
  return profile.sections.length < BENCH_SECTIONS.length;
}

function optionValue(args: readonly string[], name: string, what: string): string | undefined {
  const inline = args.find((arg) => arg.startsWith(`${name}=`));
  if (inline) return inline.slice(name.length + 1);
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  const value = args[index + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value (${what})`);
  return value;
}

export function parseLatencies(text: string): number[] {
  const values = text.split(',').map((part) => Number(part.trim()));
  if (values.length === 0 || values.some((value) => !Number.isFinite(value) || value < 0))
    throw new Error(`--latency takes milliseconds, e.g. 100 or 25,100 (got "${text}")`);
  return [...new Set(values)].sort((a, b) => a - b);
}

export function parseSections(text: string): BenchSection[] {
  const names = text.split(',').map((part) => part.trim());
  const unknown = names.filter((name) => !(BENCH_SECTIONS as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0)
    throw new Error(`--only takes ${BENCH_SECTIONS.join(', ')} (got "${text}")`);
  return BENCH_SECTIONS.filter((section) => names.includes(section));
}
