/**
 * "None of these alternatives holds" as Deny statements. An alternative is one way an allow can
 * match (a Resource or NotResource list and a conjunction of condition clauses); its negation is
 * the disjunction of the negated resource element and the complement of each clause. The negation
 * of several alternatives is the conjunction of those disjunctions, multiplied out: each product
 * term becomes one Deny statement, whose resource element and Condition block must express the
 * term exactly — several NotResource lists unite into one, equal clauses merge, negated operators
 * on one key merge their values. A term that can never hold is dropped; one that no statement can
 * express makes the whole complement inexpressible, and the compiler refuses the allow.
 */
import { canonicalJson } from './hash.ts';
import { complementOfClause } from './negate-condition.ts';
import type { ConditionClause } from './parse.ts';
import { combineResources } from './resource-terms.ts';
import { type Combined, combineClauses } from './term-conditions.ts';

export interface ResourceElement {
  element: 'Resource' | 'NotResource';
  patterns: string[];
}

export interface Alternative {
  resource: ResourceElement;
  conditions: ConditionClause[];
}

/** One Deny statement's resource element and Condition (a conjunction of clauses). */
export interface DenyTerm {
  resource: ResourceElement;
  conditions: ConditionClause[];
}

type Disjunct =
  | { kind: 'resource'; resource: ResourceElement }
  | { kind: 'clauses'; clauses: ConditionClause[] };

export type TermsResult = { ok: true; terms: DenyTerm[] } | { ok: false; reason: string };

/** More product terms than this means the exact form would be too large to be useful. */
export const MAX_TERMS = 64;

function negatedAlternative(
  alternative: Alternative,
): { ok: true; disjuncts: Disjunct[] } | { ok: false; reason: string } {
  const disjuncts: Disjunct[] = [];
  const { element, patterns } = alternative.resource;
  if (!(element === 'Resource' && patterns.includes('*'))) {
    const flipped = element === 'Resource' ? 'NotResource' : 'Resource';
    disjuncts.push({ kind: 'resource', resource: { element: flipped, patterns: [...patterns] } });
  }
  for (const clause of alternative.conditions) {
    const complement = complementOfClause(clause);
    if (!complement.ok) return { ok: false, reason: complement.reason };
    for (const clauses of complement.alternatives) disjuncts.push({ kind: 'clauses', clauses });
  }
  return { ok: true, disjuncts };
}

/** Keeps the terms no other term implies away: a superset of another term's disjuncts adds nothing. */
function absorbed(terms: Disjunct[][]): Disjunct[][] {
  const keyed = terms.map((term) => {
    const ids = [...new Set(term.map((disjunct) => canonicalJson(disjunct)))].sort();
    return { term, ids, key: ids.join('\n') };
  });
  const unique = [...new Map(keyed.map((entry) => [entry.key, entry])).values()];
  unique.sort((a, b) => a.ids.length - b.ids.length);
  const kept: typeof unique = [];
  for (const entry of unique) {
    const implied = kept.some((smaller) => smaller.ids.every((id) => entry.ids.includes(id)));
    if (!implied) kept.push(entry);
  }
  return kept.map((entry) => entry.term);
}

function termOf(disjuncts: Disjunct[]): Combined<DenyTerm> {
  const resource = combineResources(
    disjuncts.flatMap((disjunct) => (disjunct.kind === 'resource' ? [disjunct.resource] : [])),
  );
  if (resource.kind !== 'ok') return resource;
  const conditions = combineClauses(
    disjuncts.flatMap((disjunct) => (disjunct.kind === 'clauses' ? disjunct.clauses : [])),
  );
  if (conditions.kind !== 'ok') return conditions;
  return { kind: 'ok', value: { resource: resource.value, conditions: conditions.value } };
}

/** Deny terms true exactly when no alternative holds. */
export function denyTerms(alternatives: readonly Alternative[]): TermsResult {
  let terms: Disjunct[][] = [[]];
  for (const alternative of alternatives) {
    const negated = negatedAlternative(alternative);
    if (!negated.ok) return negated;
    terms = absorbed(terms.flatMap((term) => negated.disjuncts.map((disjunct) => [...term, disjunct])));
    if (terms.length > MAX_TERMS) {
      return { ok: false, reason: `its exact complement needs more than ${MAX_TERMS} Deny statements` };
    }
  }
  const result: DenyTerm[] = [];
  for (const term of terms) {
    const combined = termOf(term);
    if (combined.kind === 'inexpressible') return { ok: false, reason: combined.reason };
    if (combined.kind === 'ok') result.push(combined.value);
  }
  return { ok: true, terms: result };
}
