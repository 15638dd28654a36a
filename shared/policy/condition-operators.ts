/**
 * The IAM condition operators, spelled as in policy JSON, with what the compiler needs to know
 * to negate them. Facts from the IAM user guide ("Condition operators"): when the key is missing
 * from the request, every operator is false except the negated ones (StringNotEquals, NotIpAddress,
 * ...), which are true, and except ...IfExists (true) and Null (tests presence).
 */

export type OperatorFamily = 'matching' | 'ordered' | 'bool' | 'binary' | 'null';

interface BaseOperatorFacts {
  family: OperatorFamily;
  /** For 'matching': the operator with the opposite meaning (StringEquals <-> StringNotEquals). */
  opposite?: string;
  /** True for the negated spelling (StringNotEquals, NotIpAddress, ...): true on a missing key. */
  negated?: boolean;
}

const matchingPairs: [string, string][] = [
  ['StringEquals', 'StringNotEquals'],
  ['StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase'],
  ['StringLike', 'StringNotLike'],
  ['NumericEquals', 'NumericNotEquals'],
  ['DateEquals', 'DateNotEquals'],
  ['IpAddress', 'NotIpAddress'],
  ['ArnEquals', 'ArnNotEquals'],
  ['ArnLike', 'ArnNotLike'],
];

/** For ordered operators: the operator true exactly when this one is false (given a valid value). */
const orderedOpposites: [string, string][] = [
  ['NumericLessThan', 'NumericGreaterThanEquals'],
  ['NumericLessThanEquals', 'NumericGreaterThan'],
  ['DateLessThan', 'DateGreaterThanEquals'],
  ['DateLessThanEquals', 'DateGreaterThan'],
];

function buildTable(): Map<string, BaseOperatorFacts> {
  const table = new Map<string, BaseOperatorFacts>();
  for (const [positive, negative] of matchingPairs) {
    table.set(positive, { family: 'matching', opposite: negative });
    table.set(negative, { family: 'matching', opposite: positive, negated: true });
  }
  for (const [first, second] of orderedOpposites) {
    table.set(first, { family: 'ordered', opposite: second });
    table.set(second, { family: 'ordered', opposite: first });
  }
  table.set('Bool', { family: 'bool' });
  table.set('BinaryEquals', { family: 'binary' });
  table.set('Null', { family: 'null' });
  return table;
}

const BASE_OPERATORS = buildTable();

export type SetQualifier = 'ForAllValues' | 'ForAnyValue';

export interface ConditionOperator {
  /** As written, e.g. 'ForAnyValue:StringLikeIfExists'. */
  raw: string;
  qualifier?: SetQualifier;
  /** e.g. 'StringLike' */
  base: string;
  ifExists: boolean;
  facts: BaseOperatorFacts;
}

/** Splits an operator into qualifier, base and IfExists; undefined when IAM does not know it. */
export function parseConditionOperator(raw: string): ConditionOperator | undefined {
  const match = /^(?:(ForAllValues|ForAnyValue):)?([A-Za-z]+?)(IfExists)?$/.exec(raw);
  if (!match) return undefined;
  const [, qualifier, base = '', ifExists] = match;
  const facts = BASE_OPERATORS.get(base);
  if (!facts) return undefined;
  // Null tests presence itself; IfExists or a set qualifier on it means nothing to IAM.
  if (facts.family === 'null' && (ifExists || qualifier)) return undefined;
  return {
    raw,
    ...(qualifier ? { qualifier: qualifier as SetQualifier } : {}),
    base,
    ifExists: ifExists !== undefined,
    facts,
  };
}

/** Spells an operator back: inverse of parseConditionOperator. */
export function formatConditionOperator(parts: {
  qualifier?: SetQualifier;
  base: string;
  ifExists?: boolean;
}): string {
  return `${parts.qualifier ? `${parts.qualifier}:` : ''}${parts.base}${parts.ifExists ? 'IfExists' : ''}`;
}
