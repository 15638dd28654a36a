/**
 * The organization as a tree of roots, OUs (with names) and accounts, read with the management
 * role: ListRoots, then ListOrganizationalUnitsForParent and ListAccountsForParent per parent.
 */
import {
  type OrganizationsClient,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  paginateListRoots,
} from '@aws-sdk/client-organizations';
import type { OrganizationNode } from './estate-types.ts';

// Organizations nests OUs at most five deep; the bound only guards against a looping answer.
const MAX_DEPTH = 8;

async function all<T, P>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined): Promise<T[]> {
  const found: T[] = [];
  for await (const page of pages) found.push(...(items(page) ?? []));
  return found;
}

async function node(
  client: OrganizationsClient,
  id: string,
  name: string,
  kind: OrganizationNode['kind'],
  depth: number,
): Promise<OrganizationNode> {
  const accounts = await all(
    paginateListAccountsForParent({ client }, { ParentId: id }),
    (page) => page.Accounts,
  );
  const units =
    depth >= MAX_DEPTH
      ? []
      : await all(
          paginateListOrganizationalUnitsForParent({ client }, { ParentId: id }),
          (page) => page.OrganizationalUnits,
        );
  const children: OrganizationNode[] = [];
  for (const unit of units.sort((a, b) => (a.Name ?? '').localeCompare(b.Name ?? '')))
    children.push(await node(client, unit.Id ?? '', unit.Name ?? unit.Id ?? '', 'ou', depth + 1));
  return {
    id,
    name,
    kind,
    children,
    accounts: accounts
      .map((account) => ({ id: account.Id ?? '', name: account.Name ?? '' }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

export async function readOrganizationTree(client: OrganizationsClient): Promise<OrganizationNode[]> {
  const roots = await all(paginateListRoots({ client }, {}), (page) => page.Roots);
  return Promise.all(roots.map((root) => node(client, root.Id ?? '', root.Name ?? 'Root', 'root', 0)));
}
