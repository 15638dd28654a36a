/**
 * The fan-out at sizes no local stack can hold (10,000 and 50,000 accounts), modelled from what the
 * benchmark measured: calls per changed account, the calls each worker batch adds, and the per-call
 * latency. Time is stepped through: messages become available as the handler queues them, the
 * event source mapping ramps its concurrency up, each batch of B accounts takes (batch calls + k)·L,
 * and at every step the tightest of these limits sets the pace:
 *
 * - `workers`: the mapping's maximum concurrency (serverless.yml custom.accountWorkers);
 * - `ramp`: Lambda starts 5 concurrent batches and adds up to 300 per minute;
 * - `lambda`: the account's Lambda concurrency (1,000 by default, shared with every other function);
 * - `sts`: AssumeRole requests per second (one per account, made in the management account);
 * - `queue`: the messages the handler has queued so far (SendMessageBatch of 10, 16 in flight).
 *
 * IAM's per-account throttle never binds across accounts: each account makes its 2 IAM writes
 * against its own bucket. The sources of each figure are in BENCHMARKS.md ("Capacity").
 */
export interface FanoutModelInput {
  accounts: number;
  latencyMs: number;
  /** Calls per changed account, one after another (measured: 6). */
  chainCalls: number;
  /** Every AWS call of the change but SQS's, per account (measured). */
  callsPerAccount: number;
  /** Calls each worker invocation adds before its accounts (listing, policy files, management hop). */
  batchCalls: number;
  /** Before the first message: the changed file, the listing, the account table pages. */
  preludeCalls: number;
  workers: number;
  batchSize: number;
  lambdaAccountConcurrency: number;
  stsRequestsPerSecond: number;
  /** Seconds the original sequential loop took per account at this latency (measured). */
  sequentialSecondsPerAccount: number;
  memoryGb: number;
  prices: { perGbSecond: number; perMillionRequests: number; sqsPerMillionRequests: number };
}

export type FanoutLimit = 'workers' | 'ramp' | 'lambda' | 'sts' | 'queue';

export interface FanoutModelResult {
  accounts: number;
  applySeconds: number;
  sequentialSeconds: number;
  awsCalls: number;
  sqsRequests: number;
  invocations: number;
  gbSeconds: number;
  costUsd: number;
  /** The limit that set the pace for the longest share of the time. */
  binding: FanoutLimit;
  /** Peak accounts in flight. */
  peakInFlight: number;
}

/** Lambda's SQS scaling: five batches at once at first, then up to 300 more per minute. */
const RAMP_START = 5;
const RAMP_PER_SECOND = 300 / 60;
const SEND_BATCH = 10;
const SEND_CONCURRENCY = 16;
const STEP_SECONDS = 0.05;

export function modelFanout(input: FanoutModelInput): FanoutModelResult {
  const l = input.latencyMs / 1000;
  const batchSeconds = (input.batchCalls + input.chainCalls) * l;
  const preludeSeconds = input.preludeCalls * l;
  const queuedPerSecond = (SEND_BATCH * SEND_CONCURRENCY) / l;
  const limited: Record<FanoutLimit, number> = { workers: 0, ramp: 0, lambda: 0, sts: 0, queue: 0 };
  let done = 0;
  let t = 0;
  let peak = 0;
  while (done < input.accounts) {
    const since = Math.max(0, t - preludeSeconds);
    const queued = Math.min(input.accounts, queuedPerSecond * since);
    // Concurrent batches each limit allows, expressed as accounts finished per second.
    const perBatch = input.batchSize / batchSeconds;
    const rates: Record<FanoutLimit, number> = {
      workers: input.workers * perBatch,
      ramp: (RAMP_START + RAMP_PER_SECOND * since) * perBatch,
      lambda: input.lambdaAccountConcurrency * perBatch,
      sts: input.stsRequestsPerSecond,
      queue: since > 0 ? Math.max(0, queued - done) / STEP_SECONDS : 0,
    };
    const [limit, rate] = (Object.entries(rates) as [FanoutLimit, number][]).reduce((a, b) =>
      b[1] < a[1] ? b : a,
    );
    if (t >= preludeSeconds) limited[limit] += STEP_SECONDS;
    peak = Math.max(peak, Math.min(rate * batchSeconds, input.accounts - done));
    done += rate * STEP_SECONDS;
    t += STEP_SECONDS;
  }
  // The last batches finish one batch time after they start.
  const applySeconds = t + batchSeconds;
  const invocations = Math.ceil(input.accounts / input.batchSize);
  const sends = Math.ceil(input.accounts / SEND_BATCH);
  // A receive and a delete per batch, by the mapping's pollers (idle polls left out).
  const sqsRequests = sends + 2 * invocations;
  const awsCalls =
    input.preludeCalls + input.callsPerAccount * input.accounts + input.batchCalls * invocations;
  const gbSeconds =
    (invocations * batchSeconds + preludeSeconds + (sends / SEND_CONCURRENCY) * l) * input.memoryGb;
  const costUsd =
    gbSeconds * input.prices.perGbSecond +
    ((invocations + 1) / 1e6) * input.prices.perMillionRequests +
    (sqsRequests / 1e6) * input.prices.sqsPerMillionRequests;
  const binding = (Object.entries(limited) as [FanoutLimit, number][]).reduce((a, b) =>
    b[1] > a[1] ? b : a,
  )[0];
  return {
    accounts: input.accounts,
    applySeconds,
    sequentialSeconds: input.accounts * input.sequentialSecondsPerAccount,
    awsCalls: Math.round(awsCalls),
    sqsRequests,
    invocations,
    gbSeconds,
    costUsd,
    binding,
    peakInFlight: Math.round(peak),
  };
}

/**
 * The quotas and prices the model assumes (BENCHMARKS.md, "Capacity", names the source of each):
 * Lambda's default account concurrency, STS requests per second, and list prices of Lambda (x86,
 * per GB-second and per million requests) and SQS (standard queue, per million requests) in the
 * commercial regions: aws-cn is priced in CNY, at rates of the same order.
 */
export const QUOTAS_AND_PRICES = {
  lambdaAccountConcurrency: 1000,
  stsRequestsPerSecond: 600,
  memoryGb: 0.5,
  prices: { perGbSecond: 0.0000166667, perMillionRequests: 0.2, sqsPerMillionRequests: 0.4 },
} as const;

/** Calls every worker invocation adds: the listing, the policy file, its hop into the management account. */
export const WORKER_BATCH_CALLS = 3;
/** Rows the benchmark models beyond what the local stack can hold. */
export const MODELLED_ACCOUNTS = [10_000, 50_000] as const;
/** DynamoDB Scan pages of account records (1 MB each, about 1,400 records). */
const RECORDS_PER_SCAN_PAGE = 1_400;

export interface MeasuredFanout {
  latencyMs: number;
  accounts: number;
  /** Every call of ours' changed run but SQS's. */
  nonQueueCalls: number;
  /** The sequential baseline's time for all of `accounts`. */
  baselineMs: number;
}

/** The model fed by one measured row (the headline's), at `accounts` accounts. */
export function modelFromMeasured(
  measured: MeasuredFanout,
  accounts: number,
  settings: { workers: number; batchSize: number; chainCalls: number },
): FanoutModelResult {
  return modelFanout({
    accounts,
    latencyMs: measured.latencyMs,
    chainCalls: settings.chainCalls,
    callsPerAccount: measured.nonQueueCalls / measured.accounts,
    batchCalls: WORKER_BATCH_CALLS,
    preludeCalls: 3 + Math.ceil(accounts / RECORDS_PER_SCAN_PAGE),
    workers: settings.workers,
    batchSize: settings.batchSize,
    sequentialSecondsPerAccount: measured.baselineMs / measured.accounts / 1000,
    ...QUOTAS_AND_PRICES,
  });
}
