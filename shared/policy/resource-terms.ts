/**
 * The conjunction of resource elements (Resource lists and NotResource lists) as the one element a
 * Deny statement can carry, when one exists. Resource matching is a case-sensitive glob over the
 * ARN; claims are made only where they are certain: two patterns are disjoint when not even a
 * case-insensitive string matches both, and one covers another field by field (resourceCovers).
 * Patterns with policy variables (`${…}`) are never claimed disjoint or covered.
 */
import { globsOverlap } from './action-pattern.ts';
import { hasWildcard } from './catalog-index.ts';
import type { ResourceElement } from './deny-terms.ts';
import type { Combined } from './term-conditions.ts';

const ALL_RESOURCES: ResourceElement = { element: 'Resource', patterns: ['*'] };
const hasVariable = (pattern: string) => pattern.includes('${');

function overlap(first: string, second: string): boolean {
  return hasVariable(first) || hasVariable(second) || globsOverlap(first, second);
}

/** The five ARN fields and the resource part (which may itself hold colons). */
function arnFields(pattern: string): string[] | undefined {
  const parts = pattern.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** One field of `outer` matches everything the same field of `inner` matches. */
function fieldCovers(outer: string, inner: string): boolean {
  if (outer === '*' || outer === inner) return true;
  if (!outer.endsWith('*')) return false;
  const head = outer.slice(0, -1);
  return !hasWildcard(head) && inner.startsWith(head);
}

/**
 * True when every ARN `inner` matches is matched by `outer` as well: field by field, each field of
 * `outer` is '*', the same text, or a `…*` whose literal head starts the inner field. That holds
 * whether a wildcard may span colons or not.
 */
export function resourceCovers(outer: string, inner: string): boolean {
  if (outer === '*' || outer === inner) return true;
  if (hasVariable(outer) || hasVariable(inner)) return false;
  const outerFields = arnFields(outer);
  const innerFields = arnFields(inner);
  if (!outerFields || !innerFields) return false;
  return outerFields.every((field, index) => fieldCovers(field, innerFields[index] ?? ''));
}

/** Patterns matched by some pattern of each list: pairwise, the narrower of two nested patterns. */
function intersection(first: readonly string[], second: readonly string[]): Combined<string[]> {
  const pieces = new Set<string>();
  for (const a of first) {
    for (const b of second) {
      if (!overlap(a, b)) continue;
      if (resourceCovers(b, a)) pieces.add(a);
      else if (resourceCovers(a, b)) pieces.add(b);
      else
        return {
          kind: 'inexpressible',
          reason: `the resources ${a} and ${b} overlap without one containing the other`,
        };
    }
  }
  return pieces.size === 0 ? { kind: 'never' } : { kind: 'ok', value: [...pieces].sort() };
}

/** Resource `required` and NotResource `excluded` together, as a Resource list. */
function withoutExcluded(
  required: readonly string[],
  excluded: readonly string[],
): Combined<ResourceElement> {
  const left = required.filter((pattern) => !excluded.some((out) => resourceCovers(out, pattern)));
  if (left.length === 0) return { kind: 'never' };
  const clash = left.find((pattern) => excluded.some((out) => overlap(out, pattern)));
  if (clash !== undefined) {
    return {
      kind: 'inexpressible',
      reason: `the resource ${clash} of a NotResource allow overlaps the resources of a Resource allow of the same actions without being contained in them`,
    };
  }
  return { kind: 'ok', value: { element: 'Resource', patterns: left } };
}

/** The conjunction of resource elements as one element, when one exists. */
export function combineResources(parts: readonly ResourceElement[]): Combined<ResourceElement> {
  const excluded = [
    ...new Set(parts.filter((part) => part.element === 'NotResource').flatMap((p) => p.patterns)),
  ];
  if (excluded.includes('*')) return { kind: 'never' };
  const required = parts.filter((part) => part.element === 'Resource').map((part) => part.patterns);
  if (required.length === 0) {
    return excluded.length === 0
      ? { kind: 'ok', value: ALL_RESOURCES }
      : { kind: 'ok', value: { element: 'NotResource', patterns: excluded.sort() } };
  }
  let common: Combined<string[]> = { kind: 'ok', value: [...new Set(required[0])].sort() };
  for (const next of required.slice(1)) {
    if (common.kind !== 'ok') break;
    common = intersection(common.value, next);
  }
  if (common.kind !== 'ok') return common;
  if (common.value.includes('*') && excluded.length > 0) {
    return { kind: 'ok', value: { element: 'NotResource', patterns: excluded.sort() } };
  }
  return withoutExcluded(common.value, excluded);
}
