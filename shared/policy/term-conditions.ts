/**
 * A conjunction of condition clauses as one Condition block. A block maps each operator to keys,
 * so two clauses with the same operator and key must become one: equal ones are one; negated
 * operators (true when the value matches none of the listed values) merge their values, since
 * "matches none of V1" and "matches none of V2" is "matches none of V1 ∪ V2"; other pairs have no
 * single-clause form. Pairs that can never hold together (a key both missing and present) make the
 * whole conjunction false, and the caller drops it.
 */
import { parseConditionOperator } from './condition-operators.ts';
import type { ConditionClause } from './parse.ts';

export type Combined<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'never' }
  | { kind: 'inexpressible'; reason: string };

/** Operators whose values combine by union under AND: negated, and not ForAnyValue. */
function mergesValuesUnderAnd(operator: string): boolean {
  const parsed = parseConditionOperator(operator);
  if (parsed?.facts.family !== 'matching' || !parsed.facts.negated) return false;
  return parsed.qualifier === undefined || parsed.qualifier === 'ForAllValues';
}

/** Operators that are false when the key is missing (so they require it present). */
function requiresKey(operator: string): boolean {
  const parsed = parseConditionOperator(operator);
  if (!parsed || parsed.ifExists || parsed.facts.family === 'null') return false;
  if (parsed.qualifier === 'ForAllValues') return false;
  if (parsed.qualifier === 'ForAnyValue') return true;
  return !parsed.facts.negated;
}

/**
 * Global condition keys that carry one value per request (IAM user guide, "AWS global condition
 * context keys"): on them "equals one of V1" and "equals one of V2" is "equals one of V1 ∩ V2".
 */
const SINGLE_VALUED_KEYS = new Set([
  'aws:requestedregion',
  'aws:principalarn',
  'aws:principalaccount',
  'aws:principalorgid',
  'aws:principaltype',
  'aws:username',
  'aws:userid',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceaccount',
  'aws:sourcearn',
  'aws:resourceaccount',
  'aws:resourceorgid',
  'aws:sourceidentity',
]);
const SINGLE_VALUED_TAG_PREFIXES = ['aws:principaltag/', 'aws:resourcetag/', 'aws:requesttag/'];

function intersectsUnderAnd(clause: ConditionClause): boolean {
  const key = clause.key.toLowerCase();
  const single =
    SINGLE_VALUED_KEYS.has(key) || SINGLE_VALUED_TAG_PREFIXES.some((prefix) => key.startsWith(prefix));
  return single && clause.operator === 'StringEquals' && !clause.values.some((value) => value.includes('${'));
}

const sameValues = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().every((value, index) => value === [...b].sort()[index]);

function keyIsMissing(clauses: readonly ConditionClause[], key: string): boolean | undefined {
  const nulls = clauses.filter((clause) => clause.operator === 'Null' && clause.key.toLowerCase() === key);
  const values = new Set(nulls.flatMap((clause) => clause.values.map((value) => value.toLowerCase())));
  if (values.size !== 1) return values.size === 0 ? undefined : false;
  return values.has('true');
}

/** True when the clauses cannot all hold: a key required both missing and present. */
function contradictory(clauses: readonly ConditionClause[]): boolean {
  const keys = new Set(clauses.map((clause) => clause.key.toLowerCase()));
  for (const key of keys) {
    const onKey = clauses.filter((clause) => clause.key.toLowerCase() === key);
    const nullValues = new Set(
      onKey
        .filter((clause) => clause.operator === 'Null')
        .flatMap((clause) => clause.values.map((v) => v.toLowerCase())),
    );
    if (nullValues.size > 1) return true;
    if (keyIsMissing(onKey, key) && onKey.some((clause) => requiresKey(clause.operator))) return true;
  }
  return false;
}

/** The clauses as one block's worth (same operator and key at most once), or why not. */
export function combineClauses(clauses: readonly ConditionClause[]): Combined<ConditionClause[]> {
  if (contradictory(clauses)) return { kind: 'never' };
  const byOperatorAndKey = new Map<string, ConditionClause>();
  for (const clause of clauses) {
    const slot = `${clause.operator}\u0000${clause.key.toLowerCase()}`;
    const existing = byOperatorAndKey.get(slot);
    if (!existing) {
      byOperatorAndKey.set(slot, { ...clause, values: [...clause.values] });
      continue;
    }
    if (sameValues(existing.values, clause.values)) continue;
    const singleBooleans =
      clause.operator === 'Bool' && clause.values.length === 1 && existing.values.length === 1;
    if (singleBooleans) return { kind: 'never' };
    if (intersectsUnderAnd(clause) && intersectsUnderAnd(existing)) {
      existing.values = existing.values.filter((value) => clause.values.includes(value));
      if (existing.values.length === 0) return { kind: 'never' };
      continue;
    }
    if (!mergesValuesUnderAnd(clause.operator)) {
      return {
        kind: 'inexpressible',
        reason: `two allows need ${clause.operator} on ${clause.key} with different values in one Deny, which IAM cannot say`,
      };
    }
    existing.values = [...new Set([...existing.values, ...clause.values])].sort();
  }
  return { kind: 'ok', value: [...byOperatorAndKey.values()] };
}
