/**
 * The complement of one level's Allow statements as explicit Deny statements: a request is denied
 * exactly when no Allow of the level matches it. An implicit deny would not do, because a boundary's
 * implicit deny does not stop same-account resource policies that name the principal.
 *
 * Exact cases:
 *  - unconditional allows on Resource "*" (union U): Deny NotAction U;
 *  - plus allows restricted by Resource and/or Condition whose actions are disjoint from U and from
 *    each other: for each such allow (A, R, C1..Cn) Deny A on NotResource R, and Deny A under the
 *    complement of each Ci (a conjunction fails when any clause fails);
 *  - a single NotAction allow N, restricted or not, alone or next to unrestricted allows U whose
 *    actions N excludes (U disjoint from N): allowed = U or (not N and R and C); as U lies outside
 *    N, that is Deny N, plus Deny NotAction (N ∪ U) on NotResource R / under the complement of
 *    each C.
 * Anything else is refused with a finding naming the file and statement.
 */
import { patternListsOverlap, sortedActions } from './action-pattern.ts';
import { canonicalJson } from './hash.ts';
import { complementOfClause, conditionElement } from './negate-condition.ts';
import type { NormalisedStatement } from './parse.ts';
import type { PolicyFinding, PolicyStatement } from './types.ts';

/** A statement of the boundary with the files it comes from (for size reports). */
export interface SourcedStatement {
  statement: PolicyStatement;
  origins: string[];
}

export type LevelComplement =
  | { ok: true; statements: SourcedStatement[] }
  | { ok: false; errors: PolicyFinding[] };

/** One allow, or several restricted allows that differ only in their actions, merged. */
interface AllowGroup {
  first: NormalisedStatement;
  actionElement: 'Action' | 'NotAction';
  actions: string[];
  origins: string[];
}

const oneOrList = (values: string[]): string | string[] => (values.length === 1 ? (values[0] ?? '') : values);

function isUnrestricted(allow: NormalisedStatement): boolean {
  return (
    allow.action.element === 'Action' &&
    allow.resource.element === 'Resource' &&
    allow.resource.patterns.includes('*') &&
    allow.conditions.length === 0
  );
}

function restrictionKey(allow: NormalisedStatement): string {
  return canonicalJson([allow.resource, allow.conditions]);
}

function groupRestricted(allows: NormalisedStatement[]): AllowGroup[] {
  const groups: AllowGroup[] = [];
  const byKey = new Map<string, AllowGroup>();
  for (const allow of allows) {
    const mergeable = allow.action.element === 'Action';
    const existing = mergeable ? byKey.get(restrictionKey(allow)) : undefined;
    if (existing) {
      existing.actions.push(...allow.action.patterns);
      if (!existing.origins.includes(allow.file)) existing.origins.push(allow.file);
      continue;
    }
    const group: AllowGroup = {
      first: allow,
      actionElement: allow.action.element,
      actions: [...allow.action.patterns],
      origins: [allow.file],
    };
    groups.push(group);
    if (mergeable) byKey.set(restrictionKey(allow), group);
  }
  return groups;
}

function inexpressible(allow: NormalisedStatement, reason: string): PolicyFinding {
  return {
    severity: 'error',
    code: 'compile.allow.inexpressible',
    file: allow.file,
    path: allow.path,
    message: `${allow.file} ${allow.path}: ${reason}; a permissions boundary cannot express this allow exactly, so it is refused rather than weakened`,
  };
}

/** Why the groups cannot be complemented one by one, or undefined when they can. */
function overlapProblem(groups: AllowGroup[], unrestricted: string[]): PolicyFinding | undefined {
  for (const [index, group] of groups.entries()) {
    if (group.actionElement === 'NotAction' && groups.length > 1) {
      return inexpressible(group.first, 'a NotAction allow must be the only restricted allow of its level');
    }
    if (group.actionElement === 'NotAction' && patternListsOverlap(group.actions, unrestricted)) {
      return inexpressible(
        group.first,
        'a NotAction allow next to other allows must exclude none of the actions they allow',
      );
    }
    if (patternListsOverlap(group.actions, unrestricted)) {
      return inexpressible(group.first, 'its actions overlap actions this level allows without restriction');
    }
    const other = groups
      .slice(index + 1)
      .find((candidate) => patternListsOverlap(group.actions, candidate.actions));
    if (other) {
      return inexpressible(
        group.first,
        `its actions overlap those of ${other.first.file} ${other.first.path}, which has a different Resource or Condition`,
      );
    }
  }
  return undefined;
}

/**
 * Deny statements true exactly when the group's allow does not match (given its actions). For a
 * NotAction group, the actions the level's unrestricted allows name are left out too: they are
 * allowed whatever the group's Resource and Condition say.
 */
function complementOfGroup(
  group: AllowGroup,
  unrestricted: string[],
): { ok: true; statements: SourcedStatement[] } | { ok: false; error: PolicyFinding } {
  const { first } = group;
  const named = group.actionElement === 'NotAction' ? [...group.actions, ...unrestricted] : group.actions;
  const actions = { [group.actionElement]: oneOrList(sortedActions(named)) };
  const statements: SourcedStatement[] = [];
  const resourceIsAll = first.resource.element === 'Resource' && first.resource.patterns.includes('*');
  if (!resourceIsAll) {
    const flipped = first.resource.element === 'Resource' ? 'NotResource' : 'Resource';
    statements.push({
      statement: { Effect: 'Deny', ...actions, [flipped]: oneOrList([...first.resource.patterns]) },
      origins: group.origins,
    });
  }
  for (const condition of first.conditions) {
    const complement = complementOfClause(condition);
    if (!complement.ok) return { ok: false, error: inexpressible(first, complement.reason) };
    for (const alternative of complement.alternatives) {
      statements.push({
        statement: { Effect: 'Deny', ...actions, Resource: '*', Condition: conditionElement(alternative) },
        origins: group.origins,
      });
    }
  }
  return { ok: true, statements };
}

/** Deny of every action no allow of the level names; none when one allow names every action. */
function outsideAllowedActions(groups: AllowGroup[], unrestricted: string[]): PolicyStatement | undefined {
  const [first] = groups;
  // The unrestricted allows lie outside the NotAction list (overlapProblem), so they add nothing here.
  if (groups.length === 1 && first?.actionElement === 'NotAction') {
    return { Effect: 'Deny', Action: oneOrList(sortedActions(first.actions)), Resource: '*' };
  }
  const named = sortedActions([...unrestricted, ...groups.flatMap((group) => group.actions)]);
  return named.includes('*') ? undefined : { Effect: 'Deny', NotAction: oneOrList(named), Resource: '*' };
}

/** Deny statements equivalent to "no allow of this level matches"; none when the level allows all. */
export function complementOfLevel(allows: NormalisedStatement[], levelFiles: string[]): LevelComplement {
  if (allows.length === 0) {
    return {
      ok: true,
      statements: [{ statement: { Effect: 'Deny', Action: '*', Resource: '*' }, origins: levelFiles }],
    };
  }
  const simple = allows.filter(isUnrestricted);
  const unrestricted = simple.flatMap((allow) => allow.action.patterns);
  if (unrestricted.includes('*')) return { ok: true, statements: [] };
  const groups = groupRestricted(allows.filter((allow) => !isUnrestricted(allow)));
  const problem = overlapProblem(groups, unrestricted);
  if (problem) return { ok: false, errors: [problem] };

  const origins = [...new Set(allows.map((allow) => allow.file))];
  const outside = outsideAllowedActions(groups, unrestricted);
  const statements: SourcedStatement[] = outside ? [{ statement: outside, origins }] : [];
  const errors: PolicyFinding[] = [];
  for (const group of groups) {
    const complement = complementOfGroup(group, unrestricted);
    if (complement.ok) statements.push(...complement.statements);
    else errors.push(complement.error);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, statements };
}
