/**
 * The organization read once per reconcile run (one tree walk, not one lookup per account), and
 * what changed in it since the run before: OUs created, renamed or deleted, and policy files whose
 * target no longer exists. `status` and `plan` report the same from a live read.
 */
import { targetOfKey } from '#policy/index.ts';
import { isVirtualOu } from '#policy/virtual-ou.ts';
import { errorText } from '#shared/errors.ts';
import { withAccountRetries } from './account-retry.ts';
import type { FlowContext } from './flow-context.ts';
import type { Placement } from './organization-membership.ts';
import type { OrganizationTree, OrganizationUnit } from './ports.ts';

export interface OrganizationIndex {
  /** Where the tree places the account; `gone` for an account it does not list. */
  placementOf(accountId: string): Placement;
  units: OrganizationUnit[];
  accountIds: Set<string>;
}

export function indexTree(tree: OrganizationTree): OrganizationIndex {
  const parents = new Map(tree.units.map((unit) => [unit.id, unit.parentId]));
  const paths = new Map<string, string[]>();
  const pathTo = (unitId: string): string[] => {
    const known = paths.get(unitId);
    if (known) return known;
    const path: string[] = [];
    for (
      let id: string | undefined = unitId;
      id !== undefined && path.length <= parents.size;
      id = parents.get(id)
    )
      path.unshift(id);
    paths.set(unitId, path);
    return path;
  };
  const accounts = new Map(tree.accounts.map((account) => [account.accountId, account]));
  return {
    units: tree.units,
    accountIds: new Set(accounts.keys()),
    placementOf(accountId) {
      const account = accounts.get(accountId);
      if (!account) return { kind: 'gone' };
      if (account.state === 'PENDING_ACTIVATION') return { kind: 'arriving' };
      if (account.state !== 'ACTIVE') return { kind: 'closed', state: account.state };
      return { kind: 'member', ouPath: pathTo(account.parentId) };
    },
  };
}

/** The tree, or why it could not be read (then the run falls back on the records' paths). */
export async function readOrganizationIndex(
  ctx: FlowContext,
): Promise<{ index: OrganizationIndex } | { error: string }> {
  try {
    const tree = await withAccountRetries(ctx, 'organization', () => ctx.ports.organization.readTree());
    return { index: indexTree(tree) };
  } catch (error) {
    ctx.log.error('the organization could not be read; OU paths are taken from the records', {
      error: errorText(error),
    });
    return { error: errorText(error) };
  }
}

export interface UnitChanges {
  created: OrganizationUnit[];
  renamed: { unit: OrganizationUnit; from: string }[];
  deleted: OrganizationUnit[];
}

export function unitChanges(
  before: readonly OrganizationUnit[],
  after: readonly OrganizationUnit[],
): UnitChanges {
  const earlier = new Map(before.map((unit) => [unit.id, unit]));
  const now = new Set(after.map((unit) => unit.id));
  return {
    created: after.filter((unit) => !earlier.has(unit.id)),
    renamed: after.flatMap((unit) => {
      const from = earlier.get(unit.id)?.name;
      return from !== undefined && from !== unit.name ? [{ unit, from }] : [];
    }),
    deleted: before.filter((unit) => !now.has(unit.id)),
  };
}

export const noChanges = (changes: UnitChanges): boolean =>
  changes.created.length + changes.renamed.length + changes.deleted.length === 0;

/** Policy files for a root, OU or account the organization does not have (any more). */
export function filesWithoutTarget(
  keys: readonly string[],
  index: Pick<OrganizationIndex, 'units' | 'accountIds'>,
) {
  const units = new Set(index.units.map((unit) => unit.id));
  return keys.filter((key) => {
    const target = targetOfKey(key);
    // Virtual OUs are the policy store's own; standalone accounts are not in the tree either.
    if (target === undefined || isVirtualOu(target)) return false;
    return target.startsWith('account-')
      ? !index.accountIds.has(target.slice('account-'.length))
      : !units.has(target);
  });
}

/** One line per change, for a notice or a terminal. */
export function describeChanges(changes: UnitChanges, staleFiles: readonly string[]): string[] {
  const named = (unit: OrganizationUnit) => `${unit.name} (${unit.id})`;
  return [
    ...changes.created.map((unit) => `OU created: ${named(unit)} under ${unit.parentId ?? '-'}`),
    ...changes.renamed.map(({ unit, from }) => `OU renamed: ${unit.id} ${from} → ${unit.name}`),
    ...changes.deleted.map((unit) => `OU deleted: ${named(unit)}`),
    ...staleFiles.map((key) => `policy file without target: ${key}`),
  ];
}

/**
 * Compares the tree with the view the previous run saved and saves this one. One notice when OUs
 * were created, renamed or deleted (with the policy files left without a target); the first run
 * only saves. Never throws: the boundaries matter more than this report.
 */
export async function noticeOrganizationChanges(
  ctx: FlowContext,
  index: OrganizationIndex,
  policyKeys: readonly string[],
): Promise<UnitChanges | undefined> {
  try {
    const before = await ctx.ports.organizationView.read();
    await ctx.ports.organizationView.save({ seenAt: ctx.now().toISOString(), units: index.units });
    if (!before) return undefined;
    const changes = unitChanges(before.units, index.units);
    if (noChanges(changes)) return changes;
    const lines = describeChanges(changes, filesWithoutTarget(policyKeys, index));
    await ctx.ports.notifier.notify({
      code: 'ORGANIZATION_CHANGED',
      step: 'reconcile',
      reason: `${lines.length} change(s) to the organization since ${before.seenAt}`,
      details: lines,
    });
    return changes;
  } catch (error) {
    ctx.log.error('could not compare the organization with the last view', { error: errorText(error) });
    return undefined;
  }
}
