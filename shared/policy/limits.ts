/**
 * Caps on what one policy file may be, checked before anything else reads it: the store is written
 * by people and tools, and a file that can never compile must be refused at once with a finding,
 * not after minutes of work per account or with a stack overflow.
 *
 * The caps sit far above any real SCP (a native SCP holds 5,120 characters; the boundary and its
 * additional policies hold a few times 6,144) and far below what would hurt: a file at the caps
 * validates and compiles in well under a second.
 */
import type { PolicyFinding } from './types.ts';

/** Characters of policy text, whitespace included (the text is read before anything else). */
export const MAX_POLICY_TEXT_CHARS = 1_048_576;
/** A policy needs 6 levels (document, Statement, statement, Condition, operator, values). */
export const MAX_NESTING_DEPTH = 20;
/** Statements in one file: allow-lists written one action per statement stay well below. */
export const MAX_STATEMENTS_PER_FILE = 5_000;

type FindingDraft = Omit<PolicyFinding, 'file'>;

function tooLarge(length: number): FindingDraft {
  return {
    severity: 'error',
    code: 'policy.file.too-large',
    path: '',
    message: `the file has ${length.toLocaleString('en-US')} characters; at most ${MAX_POLICY_TEXT_CHARS.toLocaleString('en-US')} are accepted (no boundary could hold it)`,
  };
}

function tooDeep(): FindingDraft {
  return {
    severity: 'error',
    code: 'policy.file.too-deep',
    path: '',
    message: `the JSON is nested more than ${MAX_NESTING_DEPTH} levels deep; a policy needs 6`,
  };
}

/** Deepest bracket nesting of JSON text, counted without parsing; stops once past the cap. */
function nestingDepthExceeds(text: string, cap: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c)
        index++; // backslash: skip the escaped character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x7b || code === 0x5b) {
      depth++;
      if (depth > cap) return true;
    } else if (code === 0x7d || code === 0x5d) depth--;
  }
  return false;
}

/** Size and nesting of policy text, before it is parsed (so neither can exhaust memory or stack). */
export function checkTextLimits(text: string): FindingDraft[] {
  if (text.length > MAX_POLICY_TEXT_CHARS) return [tooLarge(text.length)];
  if (nestingDepthExceeds(text, MAX_NESTING_DEPTH)) return [tooDeep()];
  return [];
}

/** Nesting of an already parsed value, walked without recursion. */
export function valueDepthExceeds(value: unknown, cap: number = MAX_NESTING_DEPTH): boolean {
  const pending: { item: unknown; depth: number }[] = [{ item: value, depth: 1 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { item, depth } = next;
    if (typeof item !== 'object' || item === null) continue;
    if (depth > cap) return true;
    for (const child of Object.values(item)) pending.push({ item: child, depth: depth + 1 });
  }
  return false;
}

/** Findings about a parsed value's nesting (for callers that hand over a value, not text). */
export function checkValueLimits(value: unknown): FindingDraft[] {
  return valueDepthExceeds(value) ? [tooDeep()] : [];
}

export function tooManyStatements(count: number): FindingDraft {
  return {
    severity: 'error',
    code: 'policy.statement.too-many',
    path: 'Statement',
    message: `the file has ${count.toLocaleString('en-US')} statements; at most ${MAX_STATEMENTS_PER_FILE.toLocaleString('en-US')} are accepted`,
  };
}
