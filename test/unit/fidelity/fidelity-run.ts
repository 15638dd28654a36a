/**
 * One shard of the fidelity suite: generated chains (fixed seed) are compiled; each accepted chain
 * is checked against its slice of generated requests. Shards split the chains so the suite can use
 * every core; together they cover FIDELITY_CASES cases.
 */
import fc from 'fast-check';
import { chainSpec, fidelityRequest } from './chain-generators.ts';
import { compareDecisions, compileChain, type Mismatch, nativeScpChain } from './fidelity-check.ts';

export const FIDELITY_CASES = 20_000;
const SEED = 42_026;
const REQUESTS_PER_CHAIN = 20;
/** More chains than needed: rejected chains are counted, not compared. */
const MAX_CHAINS = 2 * (FIDELITY_CASES / REQUESTS_PER_CHAIN);

export interface FidelityStats {
  cases: number;
  chains: number;
  /** Rejections by error code, with one message as example. */
  rejected: Map<string, { count: number; example: string }>;
  mismatches: { chain: unknown; mismatch: Mismatch }[];
  allowedNatively: number;
  /** Compiled chains whose statements spilled into additional policies, and their cases. */
  spilledChains: number;
  spilledCases: number;
}

function recordRejection(stats: FidelityStats, errors: { code: string; message: string }[]): void {
  for (const error of errors) {
    const entry = stats.rejected.get(error.code) ?? { count: 0, example: error.message };
    stats.rejected.set(error.code, { ...entry, count: entry.count + 1 });
  }
}

export async function runFidelityShard(shard: number, shardCount: number): Promise<FidelityStats> {
  const chains = fc.sample(chainSpec, { numRuns: MAX_CHAINS, seed: SEED });
  const requests = fc.sample(fidelityRequest, { numRuns: MAX_CHAINS * REQUESTS_PER_CHAIN, seed: SEED + 1 });
  const target = FIDELITY_CASES / shardCount;
  const stats: FidelityStats = {
    cases: 0,
    chains: 0,
    rejected: new Map(),
    mismatches: [],
    allowedNatively: 0,
    spilledChains: 0,
    spilledCases: 0,
  };
  for (const [chainIndex, chain] of chains.entries()) {
    if (stats.cases >= target) break;
    if (chainIndex % shardCount !== shard) continue;
    stats.chains++;
    const compiled = compileChain(chain);
    if (!compiled.ok) {
      recordRejection(stats, compiled.errors);
      continue;
    }
    const scpChain = nativeScpChain(chain);
    const spilled = compiled.additionalPolicies.length > 0;
    if (spilled) stats.spilledChains++;
    const batch = requests.slice(chainIndex * REQUESTS_PER_CHAIN, (chainIndex + 1) * REQUESTS_PER_CHAIN);
    for (const request of batch) {
      stats.cases++;
      if (spilled) stats.spilledCases++;
      const comparison = await compareDecisions(scpChain, compiled, request);
      for (const mismatch of comparison.mismatches) stats.mismatches.push({ chain, mismatch });
      if (comparison.allowedNatively) stats.allowedNatively++;
    }
  }
  return stats;
}

export function fidelitySummary(stats: FidelityStats, label: string): string {
  const rejectedCount = [...stats.rejected.values()].reduce((sum, entry) => sum + entry.count, 0);
  const reasons = [...stats.rejected.entries()].map(
    ([code, entry]) => `${code} ×${entry.count} (e.g. ${entry.example})`,
  );
  return (
    `fidelity${label}: ${stats.cases} cases, ${stats.chains} chains (${rejectedCount} rejected: ` +
    `${reasons.join('; ') || 'none'}), ${stats.mismatches.length} mismatches; ${stats.allowedNatively} allowed natively; ` +
    `${stats.spilledChains} chains (${stats.spilledCases} cases) spilled into additional policies`
  );
}
