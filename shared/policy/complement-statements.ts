/** Building blocks of a level's complement: Deny statements with their origins, and refusals. */
import { type Alternative, denyTerms } from './deny-terms.ts';
import { conditionElement } from './negate-condition.ts';
import type { NormalisedStatement } from './parse.ts';
import type { PolicyFinding, PolicyStatement } from './types.ts';

/** A statement of the boundary with the files it comes from (for size reports). */
export interface SourcedStatement {
  statement: PolicyStatement;
  origins: string[];
}

export type LevelComplement =
  | { ok: true; statements: SourcedStatement[] }
  | { ok: false; errors: PolicyFinding[] };

export const oneOrList = (values: string[]): string | string[] =>
  values.length === 1 ? (values[0] ?? '') : values;

export function isUnrestricted(allow: NormalisedStatement): boolean {
  return (
    allow.action.element === 'Action' &&
    allow.resource.element === 'Resource' &&
    allow.resource.patterns.includes('*') &&
    allow.conditions.length === 0
  );
}

export function inexpressible(allow: NormalisedStatement, reason: string): PolicyFinding {
  return {
    severity: 'error',
    code: 'compile.allow.inexpressible',
    file: allow.file,
    path: allow.path,
    message: `${allow.file} ${allow.path}: ${reason}; a permissions boundary cannot express this allow exactly, so it is refused rather than weakened`,
  };
}

export type Denies = { ok: true; statements: SourcedStatement[] } | { ok: false; error: PolicyFinding };

/** Deny statements (one per term) true exactly when no alternative holds, for the given actions. */
export function deniesUnless(
  actions: Pick<PolicyStatement, 'Action' | 'NotAction'>,
  alternatives: readonly Alternative[],
  origins: string[],
  blamed: NormalisedStatement,
): Denies {
  const terms = denyTerms(alternatives);
  if (!terms.ok) return { ok: false, error: inexpressible(blamed, terms.reason) };
  const statements = terms.terms.map(({ resource, conditions }) => {
    const statement: PolicyStatement = {
      Effect: 'Deny',
      ...actions,
      [resource.element]: oneOrList(resource.patterns),
    };
    if (conditions.length > 0) statement.Condition = conditionElement(conditions);
    return { statement, origins };
  });
  return { ok: true, statements };
}
