/**
 * The test body shared by the shard files: the product's central claim (DESIGN.md "Semantics we
 * promise") is that "allow-all identity policy ∩ compiled boundary", and a same-account resource
 * policy grant under the boundary, decide like the native SCP chain. The independent oracle
 * iam-simulate decides both sides.
 */
import { describe, expect, it } from 'vitest';
import { FIDELITY_CASES, fidelitySummary, runFidelityShard } from './fidelity-run.ts';

export function describeFidelityShard(shard: number, shardCount: number): void {
  const cases = FIDELITY_CASES / shardCount;
  describe(`compiled boundary fidelity (shard ${shard + 1}/${shardCount})`, () => {
    it(`decides ${cases} generated requests like the native SCP chain`, async () => {
      // Given generated chains and requests, When each accepted chain is compiled and every request decided
      const started = Date.now();
      const stats = await runFidelityShard(shard, shardCount);
      console.log(
        `${fidelitySummary(stats, ` shard ${shard + 1}/${shardCount}`)}; ${Date.now() - started} ms`,
      );
      for (const found of stats.mismatches.slice(0, 3)) console.log(JSON.stringify(found));
      // Then no decision differs, and both outcomes are frequent enough for that to mean something
      expect(stats.mismatches).toEqual([]);
      expect(stats.cases).toBeGreaterThanOrEqual(cases);
      expect(stats.allowedNatively).toBeGreaterThan(stats.cases / 10);
      expect(stats.cases - stats.allowedNatively).toBeGreaterThan(stats.cases / 10);
      // Chains that need additional policies are a real share of what is compared
      expect(stats.spilledCases).toBeGreaterThan(stats.cases / 10);
    });
  });
}
