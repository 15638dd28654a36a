/**
 * From policy text to data: JSON parsing with positions, IAM's "string or list" quirk, and the
 * normalised statement shape the compiler works on. Validation (validate.ts) decides whether a
 * document is acceptable; normalisePolicy assumes it was.
 */
import { jsonErrorOffset } from './json-error-position.ts';
import { checkTextLimits } from './limits.ts';
import type { PolicyFinding, PolicySource, PolicyStatement } from './types.ts';

export type ParsedJson = { ok: true; value: unknown } | { ok: false; finding: PolicyFinding };

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return { line, column };
}

/** JSON.parse that reports where the text broke, naming the file; text past the caps is not parsed. */
export function parsePolicyJson(source: PolicySource): ParsedJson {
  const [beyondCaps] = checkTextLimits(source.body);
  if (beyondCaps) return { ok: false, finding: { ...beyondCaps, file: source.key } };
  try {
    return { ok: true, value: JSON.parse(source.body) };
  } catch (error) {
    const detail = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ');
    const offset = jsonErrorOffset(source.body);
    const where = offset === undefined ? '' : ` at line ${formatLineColumn(source.body, offset)}`;
    return {
      ok: false,
      finding: {
        severity: 'error',
        code: 'policy.json.malformed',
        file: source.key,
        path: '',
        message: `${source.key} is not valid JSON${where}: ${detail}`,
      },
    };
  }
}

function formatLineColumn(text: string, position: number): string {
  const { line, column } = lineAndColumn(text, position);
  return `${line}, column ${column}`;
}

/** IAM accepts a string or a list of strings; everything downstream sees a list. */
export function toList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return [...value];
  return undefined;
}

/** Condition values may be strings, numbers or booleans, alone or listed; IAM compares them as text. */
export function conditionValues(value: unknown): string[] | undefined {
  const scalar = (item: unknown): item is string | number | boolean =>
    typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean';
  if (scalar(value)) return [String(value)];
  if (Array.isArray(value) && value.length > 0 && value.every(scalar)) return value.map(String);
  return undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The statements of a document with their paths: 'Statement' when written as one object. */
export function statementEntries(document: Record<string, unknown>): { path: string; value: unknown }[] {
  const statement = document.Statement;
  if (Array.isArray(statement))
    return statement.map((value, index) => ({ path: `Statement[${index}]`, value }));
  if (statement === undefined) return [];
  return [{ path: 'Statement', value: statement }];
}

export interface ConditionClause {
  operator: string;
  key: string;
  values: string[];
}

/** A statement with every list normalised; `original` keeps it as written for copying out. */
export interface NormalisedStatement {
  file: string;
  path: string;
  sid?: string;
  effect: 'Allow' | 'Deny';
  action: { element: 'Action' | 'NotAction'; patterns: string[] };
  resource: { element: 'Resource' | 'NotResource'; patterns: string[] };
  conditions: ConditionClause[];
  original: PolicyStatement;
}

export interface NormalisedPolicy {
  file: string;
  statements: NormalisedStatement[];
}

function conditionClauses(condition: unknown): ConditionClause[] {
  if (!isRecord(condition)) return [];
  return Object.entries(condition).flatMap(([operator, block]) =>
    Object.entries(isRecord(block) ? block : {}).map(([key, value]) => ({
      operator,
      key,
      values: conditionValues(value) ?? [],
    })),
  );
}

function normaliseStatement(file: string, path: string, raw: Record<string, unknown>): NormalisedStatement {
  const actionElement = raw.NotAction === undefined ? 'Action' : 'NotAction';
  const resourceElement = raw.NotResource === undefined ? 'Resource' : 'NotResource';
  const original = structuredClone(raw) as unknown as PolicyStatement;
  return {
    file,
    path,
    ...(typeof raw.Sid === 'string' ? { sid: raw.Sid } : {}),
    effect: raw.Effect === 'Deny' ? 'Deny' : 'Allow',
    action: { element: actionElement, patterns: toList(raw[actionElement]) ?? [] },
    resource: { element: resourceElement, patterns: toList(raw[resourceElement]) ?? [] },
    conditions: conditionClauses(raw.Condition),
    original,
  };
}

/** Normalised view of a document that validatePolicyDocument accepted. */
export function normalisePolicy(file: string, document: Record<string, unknown>): NormalisedPolicy {
  const statements = statementEntries(document).map(({ path, value }) =>
    normaliseStatement(file, path, isRecord(value) ? value : {}),
  );
  return { file, statements };
}
