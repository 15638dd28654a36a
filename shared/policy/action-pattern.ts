/**
 * IAM's globs: the wildcards '*' (any run) and '?' (one character). Action patterns
 * ('service:Action') compare case-insensitively, as IAM does; names inside ARNs compare
 * case-sensitively (`caseSensitive`). The one glob matcher of the product.
 */

export interface GlobOptions {
  /** Names in ARNs (role names, for instance): IAM compares them case-sensitively. */
  caseSensitive?: boolean;
}

export function globToRegExp(pattern: string, { caseSensitive = false }: GlobOptions = {}): RegExp {
  const body = [...pattern]
    .map((ch) => {
      if (ch === '*') return '.*';
      if (ch === '?') return '.';
      return ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${body}$`, caseSensitive ? 's' : 'is');
}

/** True when `value` matches the glob `pattern` (case-insensitive unless told otherwise). */
export function matchesGlob(pattern: string, value: string, options: GlobOptions = {}): boolean {
  return globToRegExp(pattern, options).test(value);
}

/**
 * True when some string matches both globs. Used to prove that two allow statements cover
 * disjoint actions, which is what lets the compiler complement them one by one.
 */
export function globsOverlap(first: string, second: string): boolean {
  const a = first.toLowerCase();
  const b = second.toLowerCase();
  const memo = new Map<number, boolean>();
  const overlap = (i: number, j: number): boolean => {
    const key = i * (b.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (a[i] === '*') result = overlap(i + 1, j) || (j < b.length && overlap(i, j + 1));
    else if (b[j] === '*') result = overlap(i, j + 1) || (i < a.length && overlap(i + 1, j));
    else if (i === a.length || j === b.length) result = i === a.length && j === b.length;
    else result = (a[i] === '?' || b[j] === '?' || a[i] === b[j]) && overlap(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return overlap(0, 0);
}

/** True when any pattern of one list overlaps any pattern of the other. */
export function patternListsOverlap(first: readonly string[], second: readonly string[]): boolean {
  return first.some((a) => second.some((b) => globsOverlap(a, b)));
}

/**
 * Sorted, case-insensitively de-duplicated action list: deterministic output whatever order the
 * policy authors used.
 */
export function sortedActions(actions: readonly string[]): string[] {
  const byLower = new Map<string, string>();
  for (const action of actions) {
    const lower = action.toLowerCase();
    const kept = byLower.get(lower);
    if (kept === undefined || action < kept) byLower.set(lower, action);
  }
  return [...byLower.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, action]) => action);
}
