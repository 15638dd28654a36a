/**
 * The complement of a level that has NotAction allows. Two exact forms:
 *
 * One NotAction allow N restricted by Resource or Condition (alternative X), alone or beside
 * unrestricted allows U whose actions N excludes: allowed = U or (not N and X). As U lies outside
 * N: Deny N, plus Deny NotAction (N ∪ U) when X does not hold.
 *
 * Unrestricted NotAction allows (every action outside the intersection N of their lists is
 * allowed), beside unrestricted allows U and restricted Action allows (classes K, allow-classes.ts):
 * only actions inside N can be denied, each when no class holding it allows it. Entry by entry of N:
 *  - an entry U covers is always allowed;
 *  - an entry no class names is denied outright;
 *  - an entry lying within the classes it meets (all its actions belong to the same classes) is
 *    denied when none of those classes' alternatives holds.
 * An entry that U or a class only partly covers has no exact form (a statement cannot say "Action e
 * but NotAction k") and is refused.
 */
import { coveredBy, withoutCoveredEntries } from './action-lists.ts';
import { globsOverlap } from './action-pattern.ts';
import { type AllowClass, allowClasses } from './allow-classes.ts';
import {
  deniesUnless,
  inexpressible,
  isUnrestricted,
  type LevelComplement,
  oneOrList,
  type SourcedStatement,
} from './complement-statements.ts';
import type { NormalisedStatement } from './parse.ts';
import { overlappingLists } from './pattern-index.ts';

const refused = (allow: NormalisedStatement, reason: string): LevelComplement => ({
  ok: false,
  errors: [inexpressible(allow, reason)],
});

function restrictedNotAction(allow: NormalisedStatement, unrestricted: string[]): LevelComplement {
  const excluded = allow.action.patterns;
  if (overlappingLists([excluded, unrestricted])[0]?.has(1)) {
    return refused(
      allow,
      'a NotAction allow next to other allows must exclude none of the actions they allow',
    );
  }
  const origins = [allow.file];
  const outside: SourcedStatement = {
    statement: { Effect: 'Deny', Action: oneOrList(withoutCoveredEntries(excluded)), Resource: '*' },
    origins,
  };
  const alternative = { resource: allow.resource, conditions: allow.conditions };
  const named = { NotAction: oneOrList(withoutCoveredEntries([...excluded, ...unrestricted])) };
  const denies = deniesUnless(named, [alternative], origins, allow);
  return denies.ok
    ? { ok: true, statements: [outside, ...denies.statements] }
    : { ok: false, errors: [denies.error] };
}

/** Actions both lists exclude, entry by entry: of two nested entries the narrower. */
function commonEntries(first: readonly string[], second: readonly string[]): string[] | undefined {
  const common = new Set<string>();
  for (const a of first) {
    for (const b of second) {
      if (!globsOverlap(a, b)) continue;
      if (coveredBy([a], [b])) common.add(a);
      else if (coveredBy([b], [a])) common.add(b);
      else return undefined;
    }
  }
  return withoutCoveredEntries([...common]);
}

/** Denies for the entries of N, grouped by the classes that hold them. */
function entryDenies(
  entries: string[],
  classes: AllowClass[],
  unrestricted: string[],
  blamed: NormalisedStatement,
  origins: string[],
): LevelComplement {
  const overlaps = overlappingLists([
    ...entries.map((entry) => [entry]),
    ...classes.map((c) => c.actions),
    unrestricted,
  ]);
  const unrestrictedIndex = entries.length + classes.length;
  const byClasses = new Map<string, { members: number[]; entries: string[] }>();
  for (const [index, entry] of entries.entries()) {
    const met = [...(overlaps[index] ?? [])].filter((other) => other >= entries.length).sort((a, b) => a - b);
    if (met.includes(unrestrictedIndex)) {
      if (coveredBy([entry], unrestricted)) continue;
      return refused(
        blamed,
        `its NotAction entry ${entry} overlaps actions another allow of the level allows without restriction, without lying within them`,
      );
    }
    const members = met.map((other) => other - entries.length);
    const partly = members.find((member) => !coveredBy([entry], classes[member]?.actions ?? []));
    if (partly !== undefined) {
      const other = classes[partly]?.first;
      return refused(
        blamed,
        `its NotAction entry ${entry} overlaps the actions of ${other?.file} ${other?.path} without lying within them`,
      );
    }
    const key = members.join(',');
    const group = byClasses.get(key) ?? { members, entries: [] };
    group.entries.push(entry);
    byClasses.set(key, group);
  }
  const statements: SourcedStatement[] = [];
  for (const group of byClasses.values()) {
    const action = { Action: oneOrList(withoutCoveredEntries(group.entries)) };
    if (group.members.length === 0) {
      statements.push({ statement: { Effect: 'Deny', ...action, Resource: '*' }, origins });
      continue;
    }
    const members = group.members.map((member) => classes[member] as AllowClass);
    const alternatives = members.flatMap((member) => member.alternatives);
    const memberOrigins = [...new Set([...origins, ...members.flatMap((member) => member.origins)])];
    const denies = deniesUnless(action, alternatives, memberOrigins, members[0]?.first ?? blamed);
    if (!denies.ok) return { ok: false, errors: [denies.error] };
    statements.push(...denies.statements);
  }
  return { ok: true, statements };
}

/** Deny statements equivalent to "no allow of this level matches", for a level with NotAction allows. */
export function notActionComplement(allows: NormalisedStatement[], unrestricted: string[]): LevelComplement {
  const notActions = allows.filter((allow) => allow.action.element === 'NotAction');
  const restricted = allows.filter((allow) => !isUnrestricted(allow) && allow.action.element === 'Action');
  const limited = notActions.filter(
    (allow) =>
      allow.conditions.length > 0 ||
      !(allow.resource.element === 'Resource' && allow.resource.patterns.includes('*')),
  );
  const [first] = limited.length > 0 ? limited : notActions;
  if (!first) return { ok: true, statements: [] };
  if (limited.length > 0) {
    if (notActions.length === 1 && restricted.length === 0) return restrictedNotAction(first, unrestricted);
    return refused(
      first,
      'a NotAction allow restricted by Resource or Condition must be the only restricted allow of its level',
    );
  }
  let entries: string[] | undefined = withoutCoveredEntries(first.action.patterns);
  for (const other of notActions.slice(1)) {
    entries = entries && commonEntries(entries, other.action.patterns);
  }
  if (!entries)
    return refused(first, 'the NotAction lists of this level overlap without one entry containing the other');
  const classes = allowClasses(restricted).filter((candidate) => !coveredBy(candidate.actions, unrestricted));
  const origins = [...new Set(notActions.map((allow) => allow.file))];
  return entryDenies(entries, classes, unrestricted, first, origins);
}
