/** Builders shared by the compiler tests. */
import { defaultBoundaryParameters } from '#policy/parameters.ts';
import type { CompileInput, CompileOutcome, PolicyStatement } from '#policy/types.ts';

export const ACCOUNT_ID = '111122223333';
export const PREFIX = 'permission-boundary-policy/';

export const params = defaultBoundaryParameters({ partition: 'aws-cn', accountId: ACCOUNT_ID });

export function policyText(...statements: PolicyStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);
}

export const allowAll: PolicyStatement = { Effect: 'Allow', Action: '*', Resource: '*' };

/** A chain from `{ target: { fileName: statements } }`, in the order given (root first). */
export function chainOf(levels: Record<string, Record<string, PolicyStatement[]>>): CompileInput['chain'] {
  return Object.entries(levels).map(([target, files]) => ({
    target,
    sources: Object.entries(files).map(([name, statements]) => ({
      key: `${PREFIX}${name}`,
      body: policyText(...statements),
    })),
  }));
}

export function inputOf(
  levels: Record<string, Record<string, PolicyStatement[]>>,
  overrides: Partial<CompileInput> = {},
): CompileInput {
  return { chain: chainOf(levels), params, ...overrides };
}

/** The success branch of an outcome, or a test failure showing the errors. */
export function compiled(outcome: CompileOutcome) {
  if (!outcome.ok) throw new Error(`expected success, got ${JSON.stringify(outcome.errors)}`);
  return outcome;
}

/** The errors of an outcome, or a test failure when it compiled. */
export function failed(outcome: CompileOutcome) {
  if (outcome.ok) throw new Error('expected a compile error');
  return outcome.errors;
}
