/**
 * The organization tree of the report: roots, OUs with their names and the policy files at each
 * level, accounts with their status. From the captured tree when there is one, else rebuilt from
 * the OU paths the account records hold (ids only).
 */
import { targetOfKey } from '#policy/resolve-chain.ts';
import type { AccountEntry, EstateCapture, OrganizationNode } from '../operator/estate-types.ts';
import { element, escapeHtml } from './html.ts';

/** Tree nodes from the records' OU paths, for captures made without --estate. */
export function treeFromRecords(accounts: AccountEntry[]): OrganizationNode[] {
  const roots = new Map<string, OrganizationNode>();
  for (const account of accounts) {
    const [rootId, ...ous] = account.ouPath.length > 0 ? account.ouPath : [account.ouId];
    if (!rootId) continue;
    let node = roots.get(rootId) ?? {
      id: rootId,
      name: rootId,
      kind: 'root' as const,
      children: [],
      accounts: [],
    };
    roots.set(rootId, node);
    for (const ou of ous) {
      let child = node.children.find((candidate) => candidate.id === ou);
      if (!child) {
        child = { id: ou, name: ou, kind: 'ou', children: [], accounts: [] };
        node.children.push(child);
      }
      node = child;
    }
    node.accounts.push({ id: account.accountId, name: '' });
  }
  return [...roots.values()];
}

/** Bucket files per target ('r-ab12', 'ou-…', 'account-<id>'). */
export function filesByTarget(keys: string[]): Map<string, string[]> {
  const byTarget = new Map<string, string[]>();
  for (const key of keys) {
    const target = targetOfKey(key);
    if (target)
      byTarget.set(target, [
        ...(byTarget.get(target) ?? []),
        key.replace(/^permission-boundary-policy\//, ''),
      ]);
  }
  return byTarget;
}

function filesNote(files: string[] | undefined): string {
  return files && files.length > 0
    ? element('span', { class: 'files' }, `files: ${escapeHtml(files.join(', '))}`)
    : element('span', { class: 'files none' }, 'no file: allows everything');
}

function accountItem(
  account: { id: string; name: string },
  records: Map<string, AccountEntry>,
  files: Map<string, string[]>,
) {
  const record = records.get(account.id);
  const status = record?.status ?? 'NOT ENROLLED';
  const css = `account status-${status.toLowerCase().replace(/\s+/g, '-')}`;
  const label = `${account.name ? `${account.name} ` : ''}${account.id}`;
  return element(
    'li',
    { class: css, 'data-account': account.id },
    element('span', { class: 'badge' }, escapeHtml(status)),
    ' ',
    element('span', { class: 'name' }, escapeHtml(label)),
    ' ',
    record ? filesNote(files.get(`account-${account.id}`)) : '',
  );
}

function nodeItem(
  node: OrganizationNode,
  records: Map<string, AccountEntry>,
  files: Map<string, string[]>,
): string {
  const children = [
    ...node.children.map((child) => nodeItem(child, records, files)),
    ...node.accounts.map((account) => accountItem(account, records, files)),
  ];
  const kind = node.kind === 'root' ? 'Root' : 'OU';
  // Roots are all called "Root"; say it once.
  const named = node.name !== node.id && node.name !== kind;
  const title = named ? `${kind} ${node.name} (${node.id})` : `${kind} ${node.id}`;
  return element(
    'li',
    { class: node.kind, 'data-target': node.id },
    element('span', { class: 'node' }, escapeHtml(title)),
    ' ',
    filesNote(files.get(node.id)),
    children.length > 0 ? element('ul', {}, ...children) : '',
  );
}

export function organizationTree(capture: EstateCapture): string {
  const captured = capture.organization?.roots ?? [];
  const roots = captured.length > 0 ? captured : treeFromRecords(capture.accounts);
  const records = new Map(capture.accounts.map((account) => [account.accountId, account]));
  const files = filesByTarget(
    capture.policyFiles ?? capture.accounts.flatMap((account) => account.policyFileKeys),
  );
  const notes: string[] = [];
  if (!capture.organization)
    notes.push(
      'OU names and accounts not enrolled are not in this capture (made without --estate): the tree shows the OU paths of the account records.',
    );
  else if (capture.organization.error)
    notes.push(
      `The organization could not be read (${capture.organization.error}): the tree shows the OU paths of the account records.`,
    );
  return [
    ...notes.map((note) => element('p', { class: 'note' }, escapeHtml(note))),
    element(
      'ul',
      { class: 'tree', id: 'organization-tree' },
      ...roots.map((root) => nodeItem(root, records, files)),
    ),
  ].join('');
}

/** OU id → name, for the account table's paths. */
export function ouNames(capture: EstateCapture): Map<string, string> {
  const names = new Map<string, string>();
  const visit = (node: OrganizationNode) => {
    names.set(node.id, node.name);
    node.children.forEach(visit);
  };
  (capture.organization?.roots ?? []).forEach(visit);
  return names;
}
