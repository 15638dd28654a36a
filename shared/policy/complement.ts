/**
 * The complement of one level's Allow statements as explicit Deny statements: a request is denied
 * exactly when no Allow of the level matches it. An implicit deny would not do, because a boundary's
 * implicit deny does not stop same-account resource policies that name the principal.
 *
 * With U the actions of the unrestricted allows (Resource "*", no Condition) and classes K₁…Kₙ of
 * the restricted ones (allow-classes.ts), each Kᵢ allowed when one of its alternatives Xᵢ holds:
 *  - actions no allow names: Deny NotAction (U ∪ K₁ ∪ … ∪ Kₙ);
 *  - a class sharing no action with U or another class: Deny Kᵢ when not Xᵢ (deny-terms.ts);
 *  - classes that share actions: for each set S of them that some action can belong to (and to no
 *    other class), Deny NotAction (U ∪ every class outside S) when no Xᵢ of S holds. Such a
 *    statement only reaches actions whose classes all lie in S, and the statement for exactly
 *    their classes reaches each of them, at pattern level, so actions added to AWS later are
 *    decided as natively too.
 *  - levels with NotAction allows: not-action-complement.ts.
 * Anything else is refused with a finding naming the file and statement.
 */
import { coveredBy, withoutCoveredEntries } from './action-lists.ts';
import { type AllowClass, allowClasses } from './allow-classes.ts';
import {
  type Denies,
  deniesUnless,
  inexpressible,
  isUnrestricted,
  type LevelComplement,
  oneOrList,
  type SourcedStatement,
} from './complement-statements.ts';
import { notActionComplement } from './not-action-complement.ts';
import type { NormalisedStatement } from './parse.ts';
import { overlappingLists } from './pattern-index.ts';
import type { PolicyFinding } from './types.ts';

export type { LevelComplement, SourcedStatement } from './complement-statements.ts';

/** Sets of overlapping classes considered per group; more means no practical exact form. */
const MAX_CLASS_SETS = 32;

/** Groups of classes linked by shared actions (connected components), each in class order. */
function groupsOf(overlaps: Set<number>[], count: number): number[][] {
  const seen = new Set<number>();
  const groups: number[][] = [];
  for (let start = 0; start < count; start++) {
    if (seen.has(start)) continue;
    const group: number[] = [];
    const pending = [start];
    seen.add(start);
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      group.push(next);
      for (const other of overlaps[next] ?? []) {
        if (other < count && !seen.has(other)) {
          seen.add(other);
          pending.push(other);
        }
      }
    }
    groups.push(group.sort((a, b) => a - b));
  }
  return groups;
}

/** Sets of pairwise-overlapping classes of a group, at most `limit` (undefined when more). */
function overlappingSets(group: number[], overlaps: Set<number>[], limit: number): number[][] | undefined {
  const sets: number[][] = [];
  const extend = (set: number[], candidates: number[]): boolean => {
    for (const [index, member] of candidates.entries()) {
      const grown = [...set, member];
      sets.push(grown);
      if (sets.length > limit) return false;
      const next = candidates.slice(index + 1).filter((other) => overlaps[member]?.has(other));
      if (!extend(grown, next)) return false;
    }
    return true;
  };
  return extend([], group) ? sets : undefined;
}

/**
 * Whether some action can belong to exactly the classes of `set` among its group: not when a class
 * of the set is covered by a class outside it (its actions then always belong to that one too).
 */
function realisable(set: number[], group: number[], classes: AllowClass[]): boolean {
  const outside = group.filter((index) => !set.includes(index));
  return set.every((member) =>
    outside.every((other) => !coveredBy(classes[member]?.actions ?? [], classes[other]?.actions ?? [])),
  );
}

function groupDenies(
  group: number[],
  classes: AllowClass[],
  unrestricted: string[],
  overlaps: Set<number>[],
): Denies {
  const first = classes[group[0] ?? 0] as AllowClass;
  const unrestrictedIndex = classes.length;
  if (group.length === 1 && !overlaps[group[0] ?? 0]?.has(unrestrictedIndex)) {
    return deniesUnless({ Action: oneOrList(first.actions) }, first.alternatives, first.origins, first.first);
  }
  const sets = overlappingSets(group, overlaps, MAX_CLASS_SETS);
  if (!sets) {
    const reason = `its actions overlap those of ${group.length} other allows with different Resource or Condition, too many combinations to express`;
    return { ok: false, error: inexpressible(first.first, reason) };
  }
  const statements: SourcedStatement[] = [];
  for (const set of sets.filter((candidate) => realisable(candidate, group, classes))) {
    const members = set.map((index) => classes[index] as AllowClass);
    const others = classes.filter((_, index) => !set.includes(index)).flatMap((other) => other.actions);
    const denies = deniesUnless(
      { NotAction: oneOrList(withoutCoveredEntries([...unrestricted, ...others])) },
      members.flatMap((member) => member.alternatives),
      [...new Set(members.flatMap((member) => member.origins))],
      members[0]?.first ?? first.first,
    );
    if (!denies.ok) return denies;
    statements.push(...denies.statements);
  }
  return { ok: true, statements };
}

function actionClassesComplement(
  restricted: NormalisedStatement[],
  unrestricted: string[],
  origins: string[],
): LevelComplement {
  const classes = allowClasses(restricted).filter((candidate) => !coveredBy(candidate.actions, unrestricted));
  const named = withoutCoveredEntries([
    ...unrestricted,
    ...classes.flatMap((candidate) => candidate.actions),
  ]);
  const statements: SourcedStatement[] = named.includes('*')
    ? []
    : [{ statement: { Effect: 'Deny', NotAction: oneOrList(named), Resource: '*' }, origins }];
  const overlaps = overlappingLists([...classes.map((candidate) => candidate.actions), unrestricted]);
  const errors: PolicyFinding[] = [];
  for (const group of groupsOf(overlaps, classes.length)) {
    const denies = groupDenies(group, classes, unrestricted, overlaps);
    if (denies.ok) statements.push(...denies.statements);
    else errors.push(denies.error);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, statements };
}

/** Deny statements equivalent to "no allow of this level matches"; none when the level allows all. */
export function complementOfLevel(allows: NormalisedStatement[], levelFiles: string[]): LevelComplement {
  if (allows.length === 0) {
    return {
      ok: true,
      statements: [{ statement: { Effect: 'Deny', Action: '*', Resource: '*' }, origins: levelFiles }],
    };
  }
  const unrestricted = allows.filter(isUnrestricted).flatMap((allow) => allow.action.patterns);
  if (unrestricted.includes('*')) return { ok: true, statements: [] };
  if (allows.some((allow) => allow.action.element === 'NotAction'))
    return notActionComplement(allows, unrestricted);
  const restricted = allows.filter((allow) => !isUnrestricted(allow));
  const origins = [...new Set(allows.map((allow) => allow.file))];
  return actionClassesComplement(restricted, unrestricted, origins);
}
