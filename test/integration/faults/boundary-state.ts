/**
 * What "no boundary removed or weakened" means, checked through the real IAM APIs: every
 * principal keeps the boundary it had, and every Deny of the deployed default version is still
 * there (same resources and condition, at least the same actions).
 */
import { expect } from 'vitest';
import type { LocalStackClient } from '#dev/local-aws/stack.ts';
import type { Deployment } from '#dev/local-deployment/deployment.ts';
import {
  boundaryPolicyArn,
  defaultVersion,
  memberIam,
  principalBoundaries,
} from '#dev/local-deployment/inspect.ts';
import type { PolicyStatement } from '#policy/types.ts';

export interface AccountBoundaryState {
  versionId: string | undefined;
  statements: PolicyStatement[];
  /** `role/name` → boundary ARN (undefined: none). */
  principals: Record<string, string | undefined>;
}

export type BoundaryState = Record<string, AccountBoundaryState>;

export async function captureBoundaries(
  stack: LocalStackClient,
  deployment: Deployment,
  accountIds: string[],
): Promise<BoundaryState> {
  const state: BoundaryState = {};
  for (const accountId of accountIds) {
    const iam = await memberIam(stack, accountId);
    const deployed = await defaultVersion(iam, boundaryPolicyArn(deployment, accountId));
    const principals = await principalBoundaries(iam);
    state[accountId] = {
      versionId: deployed?.versionId,
      statements: deployed?.document.Statement ?? [],
      principals: Object.fromEntries(principals.map((p) => [`${p.kind}/${p.name}`, p.boundaryArn])),
    };
  }
  return state;
}

const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** True when `after` denies at least what `denied` denies, for the same resources and condition. */
function covers(after: PolicyStatement, denied: PolicyStatement): boolean {
  if (after.Effect !== 'Deny') return false;
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  if (!same(list(after.Resource).sort(), list(denied.Resource).sort())) return false;
  if (!same(after.Condition, denied.Condition)) return false;
  if (denied.NotAction !== undefined) {
    // Deny NotAction [X]: denies everything but X; at least as strict when it excepts no more.
    return (
      after.NotAction !== undefined && list(after.NotAction).every((a) => list(denied.NotAction).includes(a))
    );
  }
  return list(denied.Action).every((action) => list(after.Action).includes(action));
}

/** Every principal keeps its boundary; every Deny statement is still covered. */
export function expectNotWeakened(before: BoundaryState, after: BoundaryState): void {
  for (const [accountId, was] of Object.entries(before)) {
    const now = after[accountId];
    expect(now, `state of ${accountId}`).toBeDefined();
    for (const [principal, boundary] of Object.entries(was.principals)) {
      if (boundary !== undefined)
        expect(now?.principals[principal], `${accountId} ${principal}`).toBe(boundary);
    }
    for (const denied of was.statements.filter((statement) => statement.Effect === 'Deny')) {
      const kept = (now?.statements ?? []).some((statement) => covers(statement, denied));
      expect(kept, `${accountId} still denies ${JSON.stringify(denied.Action ?? denied.NotAction)}`).toBe(
        true,
      );
    }
  }
}

/** Actions denied by the deployed default version of an account. */
export function deniedActions(state: AccountBoundaryState | undefined): string[] {
  return (state?.statements ?? []).filter((s) => s.Effect === 'Deny').flatMap((s) => list(s.Action));
}
