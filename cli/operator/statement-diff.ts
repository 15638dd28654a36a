/**
 * Statement-level difference between the boundary deployed in an account and the one a plan would
 * write. Statements are compared by their canonical JSON; an added and a removed statement with
 * the same Sid are reported as one change.
 */
import { canonicalJson, type ManagedPolicyDocument, type ManagedPolicyStatement } from '#policy/index.ts';

export interface StatementChange {
  sid: string;
  before: ManagedPolicyStatement;
  after: ManagedPolicyStatement;
}

export interface StatementDiff {
  added: ManagedPolicyStatement[];
  removed: ManagedPolicyStatement[];
  changed: StatementChange[];
  unchanged: number;
}

function missingFrom(
  statements: ManagedPolicyStatement[],
  other: ManagedPolicyStatement[],
): ManagedPolicyStatement[] {
  const present = new Set(other.map(canonicalJson));
  return statements.filter((statement) => !present.has(canonicalJson(statement)));
}

export function diffStatements(
  before: ManagedPolicyDocument | undefined,
  after: ManagedPolicyDocument,
): StatementDiff {
  const old = before?.Statement ?? [];
  const added = missingFrom(after.Statement, old);
  const removed = missingFrom(old, after.Statement);
  const changed: StatementChange[] = [];
  for (const statement of added) {
    const sid = statement.Sid;
    const previous = sid === undefined ? undefined : removed.find((candidate) => candidate.Sid === sid);
    if (sid !== undefined && previous) changed.push({ sid, before: previous, after: statement });
  }
  const inChange = new Set(changed.flatMap((change) => [change.before, change.after]));
  return {
    added: added.filter((statement) => !inChange.has(statement)),
    removed: removed.filter((statement) => !inChange.has(statement)),
    changed,
    unchanged: after.Statement.length - added.length,
  };
}

export function isEmptyDiff(diff: StatementDiff): boolean {
  return diff.added.length + diff.removed.length + diff.changed.length === 0;
}
