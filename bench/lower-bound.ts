/**
 * The fastest any fan-out could apply one policy change under the benchmark's conditions:
 *
 *   T_lb = p·L + ⌈N / C⌉ · max(k·L, L + max(0, w − b) / r)
 *
 * N accounts, at most C in flight (FANOUT_CONCURRENCY), every AWS call takes at least L (configured
 * latency plus the local stack's idle round trip), p calls must precede the fan-out, k dependent
 * calls per changed account, w of them IAM calls against the account's token bucket (burst b,
 * refilled at r per second).
 */
export interface LowerBoundInput {
  accounts: number;
  concurrency: number;
  latencyMs: number;
  preludeCalls: number;
  chainCalls: number;
  iamCallsPerAccount: number;
  iamBurst: number;
  iamRatePerSecond: number;
}

export function fanoutLowerBoundMs(input: LowerBoundInput): number {
  const { latencyMs: l } = input;
  const throttledMs =
    (Math.max(0, input.iamCallsPerAccount - input.iamBurst) / input.iamRatePerSecond) * 1000;
  const perAccountMs = Math.max(input.chainCalls * l, l + throttledMs);
  const rounds = Math.ceil(input.accounts / Math.max(1, input.concurrency));
  return input.preludeCalls * l + rounds * perAccountMs;
}

/**
 * The calls a changed account cannot avoid, one after another (steady state, cold container):
 * consistent read of its record, conditional write taking its write lease (so that no older
 * listing of the policy files is ever written over a newer one), AssumeRole into it,
 * DeletePolicyVersion of the oldest of five, CreatePolicyVersion, conditional write of its record
 * giving the lease back. Two of them are IAM calls. (Listing the versions is avoidable: IAM
 * numbers them in sequence, so the oldest follows from the last default.)
 * Before any account: read the changed file and list the enrolled accounts.
 */
export const MINIMAL_CHANGE = { preludeCalls: 2, chainCalls: 6, iamCallsPerAccount: 2 } as const;
