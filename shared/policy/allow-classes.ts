/**
 * The restricted Action allows of one level (those with a Resource other than "*" or a Condition),
 * grouped without changing what they allow:
 *  1. allows with the same Resource element and Condition are one allow of the union of their
 *     actions;
 *  2. allows with the same actions and Condition, both on Resource lists, are one allow on the
 *     union of their resources;
 *  3. allows of the same actions form one class: an action of the class is allowed when any of the
 *     class's alternatives (Resource, Condition) holds.
 * Linear in the number of allows (grouping by canonical keys).
 */
import { withoutCoveredEntries } from './action-lists.ts';
import type { Alternative } from './deny-terms.ts';
import { canonicalJson } from './hash.ts';
import type { NormalisedStatement } from './parse.ts';

export interface AllowClass {
  actions: string[];
  alternatives: Alternative[];
  /** Files the class's allows come from, in first-seen order. */
  origins: string[];
  /** The first allow of the class: named when the class cannot be expressed. */
  first: NormalisedStatement;
}

interface Draft {
  actions: string[];
  alternative: Alternative;
  origins: string[];
  first: NormalisedStatement;
}

const actionKey = (actions: readonly string[]) =>
  canonicalJson(withoutCoveredEntries(actions).map((action) => action.toLowerCase()));

function mergeInto(target: Draft, source: Draft, field: 'actions' | 'resources'): void {
  if (field === 'actions') target.actions.push(...source.actions);
  else target.alternative.resource.patterns.push(...source.alternative.resource.patterns);
  for (const origin of source.origins) if (!target.origins.includes(origin)) target.origins.push(origin);
}

/** Merges drafts with equal keys (first occurrence kept in place); undefined keys never merge. */
function mergeBy(
  drafts: Draft[],
  keyOf: (draft: Draft) => string | undefined,
  field: 'actions' | 'resources',
): Draft[] {
  const merged: Draft[] = [];
  const byKey = new Map<string, Draft>();
  for (const draft of drafts) {
    const key = keyOf(draft);
    const existing = key === undefined ? undefined : byKey.get(key);
    if (existing) {
      mergeInto(existing, draft, field);
      continue;
    }
    merged.push(draft);
    if (key !== undefined) byKey.set(key, draft);
  }
  return merged;
}

function draftOf(allow: NormalisedStatement): Draft {
  return {
    actions: [...allow.action.patterns],
    alternative: {
      resource: { element: allow.resource.element, patterns: [...allow.resource.patterns] },
      conditions: allow.conditions.map((clause) => ({ ...clause, values: [...clause.values] })),
    },
    origins: [allow.file],
    first: allow,
  };
}

/** Classes of the level's restricted Action allows, in order of first appearance. */
export function allowClasses(restricted: readonly NormalisedStatement[]): AllowClass[] {
  const sameRestriction = mergeBy(
    restricted.map(draftOf),
    (draft) => canonicalJson([draft.alternative.resource, draft.alternative.conditions]),
    'actions',
  );
  const sameActions = mergeBy(
    sameRestriction,
    (draft) =>
      draft.alternative.resource.element === 'Resource'
        ? canonicalJson([actionKey(draft.actions), draft.alternative.conditions])
        : undefined,
    'resources',
  );
  const classes: AllowClass[] = [];
  const byActions = new Map<string, AllowClass>();
  for (const draft of sameActions) {
    draft.alternative.resource.patterns = [...new Set(draft.alternative.resource.patterns)].sort();
    const key = actionKey(draft.actions);
    const existing = byActions.get(key);
    if (existing) {
      existing.alternatives.push(draft.alternative);
      for (const origin of draft.origins)
        if (!existing.origins.includes(origin)) existing.origins.push(origin);
      continue;
    }
    const created: AllowClass = {
      actions: withoutCoveredEntries(draft.actions),
      alternatives: [draft.alternative],
      origins: [...draft.origins],
      first: draft.first,
    };
    classes.push(created);
    byActions.set(key, created);
  }
  return classes;
}
