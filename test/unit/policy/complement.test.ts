/**
 * The compiled complement of an allow must decide every request exactly as the native SCP does.
 * iam-simulate is the judge (test-only oracle). Each case covers a missing key, a matching and a
 * non-matching value, so a wrong missing-key rule (e.g. StringEquals → StringNotEqualsIfExists)
 * makes it fail.
 */
import { describe, expect, it } from 'vitest';
import { compileBoundary } from '#policy/compile.ts';
import type { PolicyDocument, PolicyStatement } from '#policy/types.ts';
import { inputOf } from './compile-helpers.ts';
import cases from './fixtures/complement-cases.json' with { type: 'json' };
import { compiledDecision, isAllowed, nativeDecision, type OracleRequest } from './oracle.ts';

interface ComplementCase {
  name: string;
  allow: PolicyStatement[];
  requests: OracleRequest[];
}

describe('complement of allows, checked against iam-simulate', () => {
  it.each(cases as ComplementCase[])(
    'Given an SCP level with: $name, when compiled, then the boundary decides like the native SCP',
    async (testCase) => {
      const outcome = compileBoundary(inputOf({ 'r-ab12': { 'r-ab12.json': testCase.allow } }));
      if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
      const scp: PolicyDocument = { Version: '2012-10-17', Statement: testCase.allow };
      const native: boolean[] = [];
      const ours: boolean[] = [];
      for (const request of testCase.requests) {
        native.push(isAllowed(await nativeDecision([[scp]], request)));
        ours.push(isAllowed(await compiledDecision(outcome, request)));
      }
      expect(ours).toEqual(native);
      // The case is meaningful only if it has both an allowed and a denied request.
      expect(native).toContain(true);
      expect(native).toContain(false);
    },
  );
});
