/**
 * The exact complement of one condition clause (operator + key + values), as a disjunction of
 * conjunctions: each inner list becomes the Condition of one Deny statement. Missing keys decide
 * most cases (IAM user guide, "Condition operators"): a plain operator is false on a missing key,
 * a negated one (StringNotEquals, NotIpAddress, ArnNotLike...) is true, ...IfExists is true.
 * Where no exact complement exists the answer says why, and the compiler refuses the policy.
 */
import {
  type ConditionOperator,
  formatConditionOperator,
  parseConditionOperator,
} from './condition-operators.ts';
import type { ConditionClause } from './parse.ts';

export type ClauseComplement =
  | { ok: true; alternatives: ConditionClause[][] }
  | { ok: false; reason: string };

function clause(operator: string, key: string, values: string[]): ConditionClause {
  return { operator, key, values: [...values] };
}

const keyMissing = (key: string) => clause('Null', key, ['true']);
const keyPresent = (key: string) => clause('Null', key, ['false']);

/**
 * StringEquals k V (false when k is missing) ↔ StringNotEquals k V (true when missing): each is
 * the other's complement. With several values a negated operator matches none of them (AND), the
 * plain one any (OR), so lists stay exact. StringEqualsIfExists is true when missing, so its
 * complement needs the key present as well.
 */
function complementMatching(op: ConditionOperator, key: string, values: string[]): ClauseComplement {
  const opposite = op.facts.opposite ?? '';
  if (op.qualifier) {
    if (op.ifExists)
      return { ok: false, reason: `${op.raw} (set operator with IfExists) has no exact complement` };
    // ForAnyValue:P is false on a missing/empty key and ForAllValues:N true: exact complements.
    const flipped = op.qualifier === 'ForAnyValue' ? 'ForAllValues' : 'ForAnyValue';
    return {
      ok: true,
      alternatives: [[clause(formatConditionOperator({ qualifier: flipped, base: opposite }), key, values)]],
    };
  }
  if (op.facts.negated) return { ok: true, alternatives: [[clause(opposite, key, values)]] };
  if (op.ifExists) return { ok: true, alternatives: [[clause(opposite, key, values), keyPresent(key)]] };
  return { ok: true, alternatives: [[clause(opposite, key, values)]] };
}

/** NumericLessThan k v is false on a missing key, and so is NumericGreaterThanEquals. */
function complementOrdered(op: ConditionOperator, key: string, values: string[]): ClauseComplement {
  if (op.qualifier)
    return { ok: false, reason: `${op.raw}: set operators on numbers or dates have no exact complement` };
  if (values.length !== 1)
    return { ok: false, reason: `${op.raw} with several values has no exact complement` };
  const opposite = clause(op.facts.opposite ?? '', key, values);
  return { ok: true, alternatives: op.ifExists ? [[opposite]] : [[opposite], [keyMissing(key)]] };
}

function complementBool(op: ConditionOperator, key: string, values: string[]): ClauseComplement {
  const [value] = values;
  const lower = value?.toLowerCase();
  if (op.qualifier || values.length !== 1 || (lower !== 'true' && lower !== 'false')) {
    return { ok: false, reason: `${op.raw} needs exactly one value, true or false, to be complemented` };
  }
  const opposite = clause('Bool', key, [lower === 'true' ? 'false' : 'true']);
  return { ok: true, alternatives: op.ifExists ? [[opposite]] : [[opposite], [keyMissing(key)]] };
}

function complementNull(key: string, values: string[]): ClauseComplement {
  const lower = values.length === 1 ? values[0]?.toLowerCase() : undefined;
  if (lower !== 'true' && lower !== 'false')
    return { ok: false, reason: 'Null needs exactly one value, true or false' };
  return { ok: true, alternatives: [[lower === 'true' ? keyPresent(key) : keyMissing(key)]] };
}

/** The complement of one clause, or the reason there is none. */
export function complementOfClause(condition: ConditionClause): ClauseComplement {
  const op = parseConditionOperator(condition.operator);
  if (!op) return { ok: false, reason: `'${condition.operator}' is not a condition operator` };
  const { key, values } = condition;
  switch (op.facts.family) {
    case 'matching':
      return complementMatching(op, key, values);
    case 'ordered':
      return complementOrdered(op, key, values);
    case 'bool':
      return complementBool(op, key, values);
    case 'null':
      return complementNull(key, values);
    case 'binary':
      return { ok: false, reason: `${op.raw} has no negated form in IAM` };
  }
}

/** Condition element of a Deny statement from a conjunction of clauses. */
export function conditionElement(
  clauses: ConditionClause[],
): Record<string, Record<string, string | string[]>> {
  const element: Record<string, Record<string, string | string[]>> = {};
  for (const { operator, key, values } of clauses) {
    element[operator] ??= {};
    const block = element[operator];
    block[key] = values.length === 1 ? (values[0] ?? '') : [...values];
  }
  return element;
}
