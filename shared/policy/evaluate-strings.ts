/**
 * IAM string matching shared by actions, resources and condition operators: `*` / `?` wildcards
 * and policy variables (`${aws:username}`, `${key, 'default'}`, the escapes `${*}` `${?}` `${$}`).
 */
import type { ContextValue } from './evaluate-types.ts';

/** Request context with case-insensitive key lookup (IAM context key names ignore case). */
export interface RequestContext {
  has(key: string): boolean;
  get(key: string): ContextValue | undefined;
}

export function requestContext(values: Record<string, ContextValue>): RequestContext {
  const byLowerName = new Map<string, ContextValue>();
  for (const [key, value] of Object.entries(values)) byLowerName.set(key.toLowerCase(), value);
  return {
    has: (key) => byLowerName.has(key.toLowerCase()),
    get: (key) => byLowerName.get(key.toLowerCase()),
  };
}

export interface PatternOptions {
  /** Treat `*` and `?` as wildcards (StringLike, Arn*, Resource) or literally (StringEquals). */
  wildcards: boolean;
  ignoreCase?: boolean;
}

const LITERAL_ESCAPES: Record<string, string> = { '${*}': '*', '${?}': '?', '${$}': '$' };

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Value of a policy variable, or undefined when it cannot be resolved: the key is missing (and no
 * default is given) or multi-valued. An unresolvable variable makes the policy value match nothing.
 */
function variableValue(token: string, context: RequestContext): string | undefined {
  const literal = LITERAL_ESCAPES[token];
  if (literal !== undefined) return literal;
  const [name = '', fallback] = token.slice(2, -1).split(', ');
  const value = context.get(name.trim());
  if (typeof value === 'string' && value !== '') return value;
  const quoted =
    fallback !== undefined && fallback.length >= 2 && fallback.startsWith("'") && fallback.endsWith("'");
  return quoted ? fallback.slice(1, -1) || undefined : undefined;
}

/** Splits a policy value into literal text, wildcard and `${...}` tokens. */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let literal = '';
  for (let index = 0; index < text.length; index++) {
    const character = text[index] as string;
    const variableEnd = character === '$' && text[index + 1] === '{' ? text.indexOf('}', index + 2) : -1;
    if (character !== '*' && character !== '?' && variableEnd === -1) {
      literal += character;
      continue;
    }
    if (literal) tokens.push(literal);
    literal = '';
    const end = variableEnd === -1 ? index : variableEnd;
    tokens.push(text.slice(index, end + 1));
    index = end;
  }
  if (literal) tokens.push(literal);
  return tokens;
}

function isToken(piece: string): boolean {
  return piece === '*' || piece === '?' || (piece.startsWith('${') && piece.endsWith('}'));
}

/**
 * Compiles a policy value into an anchored regular expression, substituting policy variables from
 * the request context. Returns undefined when a variable cannot be resolved.
 */
export function iamPattern(
  text: string,
  context: RequestContext,
  options: PatternOptions,
): RegExp | undefined {
  let source = '';
  for (const piece of tokenize(text)) {
    if (!isToken(piece)) source += escapeRegex(piece);
    else if (piece === '*') source += options.wildcards ? '.*' : '\\*';
    else if (piece === '?') source += options.wildcards ? '.' : '\\?';
    else {
      const value = variableValue(piece, context);
      if (value === undefined) return undefined;
      source += escapeRegex(value);
    }
  }
  return new RegExp(`^${source}$`, options.ignoreCase ? 'is' : 's');
}

/** Substitutes policy variables without matching (for the operators that compare plain values). */
export function resolveVariables(text: string, context: RequestContext): string | undefined {
  let resolved = '';
  for (const piece of tokenize(text)) {
    if (!piece.startsWith('${') || !piece.endsWith('}')) {
      resolved += piece;
      continue;
    }
    const value = variableValue(piece, context);
    if (value === undefined) return undefined;
    resolved += value;
  }
  return resolved;
}

/** IAM's "string or array" quirk, normalised once. */
export function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
