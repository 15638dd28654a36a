/**
 * Fixed fidelity cases: shapes that matter (region locks, allow-lists over several files, account
 * placeholders, conditional allows, NotResource denies) and any mismatch the generated suite finds.
 */
import { describe, expect, it } from 'vitest';
import type { EvaluationRequest } from '#policy/evaluate.ts';
import type { ChainSpec } from './chain-generators.ts';
import { compareDecisions, compileChain, nativeScpChain } from './fidelity-check.ts';
import regressions from './regressions.json' with { type: 'json' };

interface RegressionCase {
  name: string;
  chain: ChainSpec;
  request: EvaluationRequest;
}

// The fixture is written to these types; JSON imports widen its literals, hence the re-typing.
const cases: RegressionCase[] = JSON.parse(JSON.stringify(regressions.cases));

describe('fidelity regressions', () => {
  it.each(cases)('$name', async ({ chain, request }) => {
    // Given a chain the compiler accepts
    const compiled = compileChain(chain);
    if (!compiled.ok) throw new Error(`rejected: ${JSON.stringify(compiled.errors)}`);
    // When the request is decided under the native chain and under the boundary
    const comparison = await compareDecisions(nativeScpChain(chain), compiled, request);
    // Then the decisions agree in every scenario
    expect(comparison.mismatches).toEqual([]);
  });
});
