/**
 * The order in which to replace several of one account's compiled policies. IAM writes one policy
 * at a time, and when a chain grows or shrinks the split between the boundary and the additional
 * policies shifts: a statement moves from one policy to another. Written into its new policy
 * before it leaves its old one, it is in force throughout, so between the writes a principal is
 * never less restricted than by both the old and the new compiled policies. Pure.
 */
import { canonicalJson } from './hash.ts';
import type { ManagedPolicyDocument, ManagedPolicyStatement } from './types.ts';

export interface PolicyChange {
  name: string;
  /** Content deployed now; undefined when the policy does not exist yet. */
  before: ManagedPolicyDocument | undefined;
  after: ManagedPolicyDocument;
}

/** Sids are dropped when a chain spills, so a moved statement is recognised without its Sid. */
function statementKeys(document: ManagedPolicyDocument | undefined): Set<string> {
  return new Set(
    (document?.Statement ?? []).map((statement: ManagedPolicyStatement) =>
      canonicalJson({ ...statement, Sid: undefined }),
    ),
  );
}

/**
 * Names of the changes in write order: a policy that gains a statement another one loses comes
 * first. Otherwise the given order is kept; statements swapped both ways between two policies
 * cannot be ordered strictly, and those policies keep the given order.
 */
export function strictWriteOrder(changes: readonly PolicyChange[]): string[] {
  const before = changes.map((change) => statementKeys(change.before));
  const after = changes.map((change) => statementKeys(change.after));
  const lost = changes.map((_, index) => [...(before[index] ?? [])].filter((key) => !after[index]?.has(key)));
  // mustWaitFor[p] = the policies that gain a statement p loses.
  const mustWaitFor = changes.map((_, loser) =>
    changes
      .map((__, gainer) => gainer)
      .filter(
        (gainer) =>
          gainer !== loser &&
          (lost[loser] ?? []).some((key) => after[gainer]?.has(key) && !before[gainer]?.has(key)),
      ),
  );
  const order: number[] = [];
  const pending = new Set(changes.map((_, index) => index));
  while (pending.size > 0) {
    const ready = [...pending].find((index) =>
      (mustWaitFor[index] ?? []).every((other) => !pending.has(other)),
    );
    const next = ready ?? Math.min(...pending);
    order.push(next);
    pending.delete(next);
  }
  return order.map((index) => changes[index]?.name ?? '');
}
