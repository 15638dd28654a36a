/**
 * Differential test: our evaluator and iam-simulate must reach the same decision on thousands of
 * random (policy set, request) cases. The shapes left out, and why, are listed in arbitraries.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateRequest } from '#policy/evaluate.ts';
import { oracleDecisionAsGiven } from '../fidelity/oracle.ts';
import { policySet, request } from './arbitraries.ts';

const CASES = 6_000;

describe('evaluateRequest agrees with iam-simulate', () => {
  it(`decides ${CASES} random cases exactly as the oracle does`, () => {
    // Given random SCP chains, identity, boundary and resource policies and requests
    const decisions = { Allowed: 0, ExplicitDeny: 0, ImplicitDeny: 0 };
    let cases = 0;
    fc.assert(
      fc.property(policySet(), request(), (policies, req) => {
        // When both evaluators decide the request
        const ours = evaluateRequest(req, policies).decision;
        const oracle = oracleDecisionAsGiven(req, policies);
        cases++;
        decisions[ours]++;
        // Then the decisions are equal
        expect(ours).toBe(oracle);
      }),
      { numRuns: CASES, seed: Number(process.env.AGREEMENT_SEED ?? 20260926) },
    );
    console.log(`agreement: ${cases} cases, 0 mismatches`, decisions);
    // Every decision kind is exercised, so the agreement is not vacuous.
    expect(Math.min(...Object.values(decisions))).toBeGreaterThan(CASES / 20);
  });
});
