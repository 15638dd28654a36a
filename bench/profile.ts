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
  traffic: TrafficProfile;
  /** Warm CreateRole events measured per case (after one warm-up event). */
  eventsPerCase: number;
  /** Enrolled accounts reached by the policy change, in increasing order; the last is the headline. */
  fanoutSizes: number[];
  principalsPerAccount: number;
  /**
   * Accounts the sequential baseline is run on, per fan-out size; fewer than the size means the
   * rest is extrapolated (the baseline does the same calls for every account, one after another).
   */
  baselineSample: (accounts: number) => number;
  /** Fresh `node` processes per bundle for the cold-start median. */
  coldStartRuns: number;
}

const TRAFFIC: TrafficProfile = { latencyMs: 25, iamRatePerSecond: 10, iamBurst: 10 };

export const PROFILES: Record<BenchProfile['name'], BenchProfile> = {
  quick: {
    name: 'quick',
    traffic: TRAFFIC,
    eventsPerCase: 5,
    fanoutSizes: [100],
    principalsPerAccount: 50,
    baselineSample: () => 25,
    coldStartRuns: 3,
  },
  full: {
    name: 'full',
    traffic: TRAFFIC,
    eventsPerCase: 20,
    fanoutSizes: [100, 1000],
    principalsPerAccount: 50,
    baselineSample: (accounts) => Math.min(accounts, 200),
    coldStartRuns: 7,
  },
};

export function profileFromArgs(args: readonly string[]): BenchProfile {
  return args.includes('--quick') ? PROFILES.quick : PROFILES.full;
}
