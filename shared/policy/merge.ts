/**
 * Shrinking the boundary without changing its meaning: statements that differ only in their
 * Action list are merged (a union of Deny statements with equal resources and conditions), and
 * Sids can be dropped when the policy would not fit otherwise.
 */
import { sortedActions } from './action-pattern.ts';
import type { SourcedStatement } from './complement.ts';
import { canonicalJson } from './hash.ts';
import type { PolicyStatement } from './types.ts';

function mergeKey(statement: PolicyStatement): string | undefined {
  if (statement.Action === undefined) return undefined;
  const { Action: _ignored, ...rest } = statement;
  return canonicalJson(rest);
}

function actionsOf(statement: PolicyStatement): string[] {
  const action = statement.Action ?? [];
  return typeof action === 'string' ? [action] : [...action];
}

/** Merges statements equal in everything but Action (Sid included); keeps first-occurrence order. */
export function mergeStatementsDifferingInActions(statements: SourcedStatement[]): SourcedStatement[] {
  const merged: SourcedStatement[] = [];
  const byKey = new Map<string, SourcedStatement>();
  for (const entry of statements) {
    const key = mergeKey(entry.statement);
    const existing = key === undefined ? undefined : byKey.get(key);
    if (!existing) {
      const copy = { statement: { ...entry.statement }, origins: [...entry.origins] };
      merged.push(copy);
      if (key !== undefined) byKey.set(key, copy);
      continue;
    }
    const actions = sortedActions([...actionsOf(existing.statement), ...actionsOf(entry.statement)]);
    existing.statement.Action = actions.length === 1 ? (actions[0] ?? '') : actions;
    existing.origins = [...new Set([...existing.origins, ...entry.origins])];
  }
  return merged;
}

/** The same statements without Sids (which lets more of them merge). */
export function withoutSids(statements: SourcedStatement[]): SourcedStatement[] {
  return statements.map(({ statement: { Sid: _dropped, ...rest }, origins }) => ({
    statement: rest,
    origins,
  }));
}

/** Gives every statement a Sid unique in the policy, suffixing repeats (IAM rejects duplicates). */
export function withUniqueSids(statements: SourcedStatement[]): SourcedStatement[] {
  const taken = new Set<string>();
  return statements.map(({ statement, origins }) => {
    if (statement.Sid === undefined) return { statement, origins };
    let sid = statement.Sid;
    for (let suffix = 2; taken.has(sid); suffix += 1) sid = `${statement.Sid}Dup${suffix}`;
    taken.add(sid);
    return { statement: { ...statement, Sid: sid }, origins };
  });
}
