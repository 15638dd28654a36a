/**
 * Condition element evaluation: every operator of the IAM condition reference, the `IfExists`
 * suffix, the `ForAllValues:` / `ForAnyValue:` set prefixes and `Null`.
 *
 * Missing keys follow IAM: a negated operator (StringNotEquals, NotIpAddress, ArnNotLike …) or an
 * `…IfExists` operator matches when the key is absent; a positive operator does not. A single-valued
 * operator never matches a multi-valued key (that needs a set prefix).
 */
import { ipInBlock, type ValueTest } from './evaluate-ip.ts';
import { iamPattern, type RequestContext, resolveVariables } from './evaluate-strings.ts';
import type { PolicyStatement } from './types.ts';

export type ConditionBlock = NonNullable<PolicyStatement['Condition']>;

/** Tests one request value against one policy value. */
type ValueTester = (requestValue: string, policyValue: string, context: RequestContext) => ValueTest;

function verdict(matches: boolean): ValueTest {
  return matches ? 'match' : 'nomatch';
}

function stringTester(wildcards: boolean, ignoreCase: boolean): ValueTester {
  return (requestValue, policyValue, context) => {
    const pattern = iamPattern(policyValue, context, { wildcards, ignoreCase });
    return pattern ? verdict(pattern.test(requestValue)) : 'invalid';
  };
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

function numericTester(compare: (request: number, policy: number) => boolean): ValueTester {
  return (requestValue, policyValue) => {
    if (!NUMBER.test(requestValue) || !NUMBER.test(policyValue)) return 'invalid';
    return verdict(compare(Number(requestValue), Number(policyValue)));
  };
}

/** ISO 8601 date/time or epoch seconds, as milliseconds. */
function parseDate(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function dateTester(compare: (request: number, policy: number) => boolean): ValueTester {
  return (requestValue, policyValue) => {
    const request = parseDate(requestValue);
    const policy = parseDate(policyValue);
    return request === undefined || policy === undefined ? 'invalid' : verdict(compare(request, policy));
  };
}

const boolTester: ValueTester = (requestValue, policyValue, context) => {
  const policy = resolveVariables(policyValue, context)?.toLowerCase();
  const request = requestValue.toLowerCase();
  const isBool = (text: string | undefined) => text === 'true' || text === 'false';
  return isBool(policy) && isBool(request) ? verdict(policy === request) : 'invalid';
};

/** ArnLike/ArnEquals: each of the six colon-separated parts is matched with wildcards. */
const arnTester: ValueTester = (requestValue, policyValue, context) => {
  const policyParts = policyValue.split(':');
  const requestParts = requestValue.split(':');
  if (policyParts.length < 5 || requestParts.length < 5) return 'invalid';
  const pieces = (parts: string[]) => [...parts.slice(0, 5), parts.slice(5).join(':')];
  const requestPieces = pieces(requestParts);
  let allMatch = true;
  for (const [index, policyPiece] of pieces(policyParts).entries()) {
    const pattern = iamPattern(policyPiece, context, { wildcards: true });
    if (!pattern) return 'invalid';
    allMatch &&= pattern.test(requestPieces[index] ?? '');
  }
  return verdict(allMatch);
};

interface BaseOperator {
  test: ValueTester;
  /** A negated operator matches when no policy value matches (and on a missing key). */
  negated: boolean;
}

function operators(): Map<string, BaseOperator> {
  const positive = (test: ValueTester): BaseOperator => ({ test, negated: false });
  const negated = (test: ValueTester): BaseOperator => ({ test, negated: true });
  const lessThan = (a: number, b: number) => a < b;
  const lessOrEqual = (a: number, b: number) => a <= b;
  const greaterThan = (a: number, b: number) => a > b;
  const greaterOrEqual = (a: number, b: number) => a >= b;
  const equal = (a: number, b: number) => a === b;
  const table: Record<string, BaseOperator> = {
    StringEquals: positive(stringTester(false, false)),
    StringNotEquals: negated(stringTester(false, false)),
    StringEqualsIgnoreCase: positive(stringTester(false, true)),
    StringNotEqualsIgnoreCase: negated(stringTester(false, true)),
    StringLike: positive(stringTester(true, false)),
    StringNotLike: negated(stringTester(true, false)),
    NumericEquals: positive(numericTester(equal)),
    NumericNotEquals: negated(numericTester(equal)),
    NumericLessThan: positive(numericTester(lessThan)),
    NumericLessThanEquals: positive(numericTester(lessOrEqual)),
    NumericGreaterThan: positive(numericTester(greaterThan)),
    NumericGreaterThanEquals: positive(numericTester(greaterOrEqual)),
    DateEquals: positive(dateTester(equal)),
    DateNotEquals: negated(dateTester(equal)),
    DateLessThan: positive(dateTester(lessThan)),
    DateLessThanEquals: positive(dateTester(lessOrEqual)),
    DateGreaterThan: positive(dateTester(greaterThan)),
    DateGreaterThanEquals: positive(dateTester(greaterOrEqual)),
    Bool: positive(boolTester),
    BinaryEquals: positive((request, policy) => verdict(request === policy)),
    IpAddress: positive(ipInBlock),
    NotIpAddress: negated(ipInBlock),
    ArnEquals: positive(arnTester),
    ArnLike: positive(arnTester),
    ArnNotEquals: negated(arnTester),
    ArnNotLike: negated(arnTester),
  };
  return new Map(Object.entries(table).map(([name, operator]) => [name.toLowerCase(), operator]));
}

const BASE_OPERATORS = operators();

interface ParsedOperator {
  setOperator: 'forallvalues' | 'foranyvalue' | undefined;
  base: string;
  ifExists: boolean;
}

function parseOperator(name: string): ParsedOperator {
  const lower = name.toLowerCase();
  const colon = lower.indexOf(':');
  const prefix = colon === -1 ? '' : lower.slice(0, colon);
  const rest = colon === -1 ? lower : lower.slice(colon + 1);
  const ifExists = rest.endsWith('ifexists');
  const setOperator = prefix === 'forallvalues' || prefix === 'foranyvalue' ? prefix : undefined;
  return { setOperator, base: ifExists ? rest.slice(0, -'ifexists'.length) : rest, ifExists };
}

/** The operator's verdict for one request value against all of the condition's policy values. */
function valueSatisfies(
  operator: BaseOperator,
  requestValue: string,
  policyValues: string[],
  context: RequestContext,
): boolean {
  const tests = policyValues.map((policyValue) => operator.test(requestValue, policyValue, context));
  return operator.negated ? tests.every((test) => test === 'nomatch') : tests.includes('match');
}

function conditionMatches(
  operatorName: string,
  key: string,
  policyValues: string[],
  context: RequestContext,
): boolean {
  const parsed = parseOperator(operatorName);
  const present = context.has(key);
  if (parsed.base === 'null') return policyValues.some((value) => value.toLowerCase() === String(!present));
  const operator = BASE_OPERATORS.get(parsed.base);
  const value = context.get(key);
  if (parsed.setOperator) {
    if (value === undefined) return parsed.setOperator === 'forallvalues';
    if (!operator) return false;
    const requestValues = typeof value === 'string' ? [value] : value;
    const satisfied = (requestValue: string) => valueSatisfies(operator, requestValue, policyValues, context);
    return parsed.setOperator === 'forallvalues'
      ? requestValues.every(satisfied)
      : requestValues.some(satisfied);
  }
  if (value === undefined) return parsed.ifExists || parsed.base.includes('not');
  if (typeof value !== 'string' || !operator) return false;
  return valueSatisfies(operator, value, policyValues, context);
}

function policyValueList(raw: unknown): string[] {
  return (Array.isArray(raw) ? raw : [raw]).map((value) => String(value));
}

/** True when every condition of the block holds for the request (an absent block always holds). */
export function conditionsMatch(block: ConditionBlock | undefined, context: RequestContext): boolean {
  if (!block) return true;
  return Object.entries(block).every(([operatorName, keys]) =>
    Object.entries(keys).every(([key, raw]) =>
      conditionMatches(operatorName, key, policyValueList(raw), context),
    ),
  );
}
