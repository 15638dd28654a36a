/**
 * Shrinking the compiled statements without changing their meaning:
 *  - Deny statements equal in everything but their Action list are one Deny of the union (a
 *    request matching either is denied by the union and by nothing else);
 *  - Deny statements equal in everything but their Resource list likewise;
 *  - identical statements are one;
 *  - Deny Action lists are compressed against the catalog (action-lists.ts), NotAction lists only
 *    lose entries another entry already covers;
 *  - Sids can be dropped when the policy would not fit otherwise (which lets more statements merge).
 */
import { compressedDenyActions, withoutCoveredEntries } from './action-lists.ts';
import type { SourcedStatement } from './complement-statements.ts';
import { canonicalJson } from './hash.ts';
import type { ActionCatalog, PolicyStatement, StringOrList } from './types.ts';

type MergedElement = 'Action' | 'Resource';

const asList = (value: StringOrList | undefined): string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : [...value];

const oneOrList = (values: string[]): string | string[] => (values.length === 1 ? (values[0] ?? '') : values);

function mergeKey(statement: PolicyStatement, element: MergedElement): string | undefined {
  if (statement.Effect !== 'Deny' || statement[element] === undefined) return undefined;
  const { [element]: _ignored, ...rest } = statement;
  return canonicalJson(rest);
}

function united(element: MergedElement, first: StringOrList | undefined, second: StringOrList | undefined) {
  const values = [...asList(first), ...asList(second)];
  if (element === 'Action') return withoutCoveredEntries(values);
  return values.includes('*') ? ['*'] : [...new Set(values)].sort();
}

/** Merges Deny statements equal in everything but `element` (Sid included); first-occurrence order. */
function mergeOn(statements: SourcedStatement[], element: MergedElement): SourcedStatement[] {
  const merged: SourcedStatement[] = [];
  const byKey = new Map<string, SourcedStatement>();
  for (const entry of statements) {
    const key = mergeKey(entry.statement, element);
    const existing = key === undefined ? undefined : byKey.get(key);
    if (!existing) {
      const copy = { statement: { ...entry.statement }, origins: [...entry.origins] };
      merged.push(copy);
      if (key !== undefined) byKey.set(key, copy);
      continue;
    }
    existing.statement[element] = oneOrList(
      united(element, existing.statement[element], entry.statement[element]),
    );
    existing.origins = [...new Set([...existing.origins, ...entry.origins])];
  }
  return merged;
}

function withoutDuplicates(statements: SourcedStatement[]): SourcedStatement[] {
  const byKey = new Map<string, SourcedStatement>();
  for (const entry of statements) {
    const key = canonicalJson(entry.statement);
    const existing = byKey.get(key);
    if (existing) existing.origins = [...new Set([...existing.origins, ...entry.origins])];
    else byKey.set(key, { statement: entry.statement, origins: [...entry.origins] });
  }
  return [...byKey.values()];
}

/** The statement with its action list in its shortest exact form. */
function withShortActions(entry: SourcedStatement, catalog: ActionCatalog): SourcedStatement {
  const { statement } = entry;
  if (statement.Effect === 'Deny' && statement.Action !== undefined) {
    const Action = oneOrList(compressedDenyActions(asList(statement.Action), catalog));
    return { ...entry, statement: { ...statement, Action } };
  }
  if (statement.NotAction !== undefined) {
    return {
      ...entry,
      statement: { ...statement, NotAction: oneOrList(withoutCoveredEntries(asList(statement.NotAction))) },
    };
  }
  return entry;
}

/**
 * The statements merged and compressed until nothing changes (a merge can enable another).
 * Deterministic: the result depends only on the statements and their order.
 */
export function shrinkStatements(statements: SourcedStatement[], catalog: ActionCatalog): SourcedStatement[] {
  let current = withoutDuplicates(statements.map((entry) => withShortActions(entry, catalog)));
  for (let pass = 0; pass < 4; pass++) {
    const next = withoutDuplicates(
      mergeOn(mergeOn(current, 'Action'), 'Resource').map((entry) => withShortActions(entry, catalog)),
    );
    if (next.length === current.length) return next;
    current = next;
  }
  return current;
}

/** Merges statements equal in everything but Action (Sid included); keeps first-occurrence order. */
export function mergeStatementsDifferingInActions(statements: SourcedStatement[]): SourcedStatement[] {
  return mergeOn(statements, 'Action');
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
