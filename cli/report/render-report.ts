/**
 * The estate report: one self-contained HTML page (inline style, no script, no external asset)
 * from a capture, so it can be mailed, archived or opened offline. Pure: the same capture and
 * clock give the same page.
 */
import { targetOfKey } from '#policy/resolve-chain.ts';
import type { AccountEntry, EstateCapture } from '../operator/estate-types.ts';
import { element, escapeHtml, humanDuration } from './html.ts';
import { REPORT_STYLE } from './report-style.ts';
import { organizationTree, ouNames } from './report-tree.ts';

function summary(capture: EstateCapture): string {
  const count = (status: string) => capture.accounts.filter((account) => account.status === status).length;
  const missing = (capture.principals ?? []).flatMap((account) =>
    account.unbounded.filter((p) => !p.exempt),
  ).length;
  const items = [
    ['enrolled accounts', String(capture.accounts.length)],
    ['active', String(count('ACTIVE'))],
    ['failed', String(count('FAILED'))],
    ['principals missing a boundary', capture.principals ? String(missing) : 'not captured'],
  ];
  return element(
    'dl',
    { class: 'summary' },
    ...items.map(([term, value]) =>
      element(
        'div',
        { class: term === 'failed' && value !== '0' ? 'alert' : '' },
        element('dt', {}, escapeHtml(term ?? '')),
        element('dd', {}, escapeHtml(value ?? '')),
      ),
    ),
  );
}

/** Root → OUs → account, each level with the files deployed there (none: allows everything). */
function chainCell(account: AccountEntry, names: Map<string, string>): string {
  const levels = [...account.ouPath, `account-${account.accountId}`];
  const rows = levels.map((level) => {
    const files = account.policyFileKeys
      .filter((key) => targetOfKey(key) === level)
      .map((key) => key.replace(/^permission-boundary-policy\//, ''));
    const label = names.get(level) ? `${names.get(level)} (${level})` : level;
    return element(
      'li',
      {},
      element('span', { class: 'level' }, escapeHtml(label)),
      ': ',
      files.length > 0 ? escapeHtml(files.join(', ')) : element('span', { class: 'none' }, 'no file'),
    );
  });
  return element('ol', { class: 'chain' }, ...rows);
}

/** The boundary's version, then each additional policy's: `v3 + scp-enforce-policy-2 v1`. */
function versionsOf(account: EstateCapture['accounts'][number]): string {
  const extras = account.additionalPolicies.map((extra) => `${extra.name} ${extra.versionId}`);
  return [account.boundaryVersionId ?? '-', ...extras].join(' + ');
}

function accountTable(capture: EstateCapture, now: Date): string {
  const names = ouNames(capture);
  const rows = capture.accounts.map((account) => {
    const age = humanDuration(now.getTime() - Date.parse(account.updatedAt));
    return element(
      'tr',
      { class: `status-${account.status.toLowerCase()}`, 'data-account': account.accountId },
      element('td', {}, escapeHtml(account.accountId)),
      element('td', {}, element('span', { class: 'badge' }, escapeHtml(account.status))),
      element('td', {}, escapeHtml(versionsOf(account))),
      element('td', { title: account.updatedAt }, escapeHtml(age)),
      element('td', {}, chainCell(account, names)),
      element('td', { class: 'error' }, escapeHtml(account.lastError ?? '')),
    );
  });
  const header = ['Account', 'Status', 'Boundary version', 'Age', 'Policy files per level', 'Last error'];
  return element(
    'table',
    { id: 'accounts' },
    element('thead', {}, element('tr', {}, ...header.map((cell) => element('th', {}, cell)))),
    element('tbody', {}, ...rows),
  );
}

function principalsSection(capture: EstateCapture): string {
  if (!capture.principals)
    return element(
      'p',
      { class: 'note' },
      'Not in this capture: run `scp-alt status --json --estate` or `scp-alt report`.',
    );
  const blocks = capture.principals.map((account) => {
    const items = account.unbounded.map((principal) =>
      element(
        'li',
        { class: principal.exempt ? 'exempt' : 'missing' },
        element('code', {}, escapeHtml(principal.arn)),
        ' — ',
        escapeHtml(principal.reason),
      ),
    );
    const head = `${account.accountId}: ${account.bounded} bounded, ${account.unbounded.length} without our boundary`;
    return element(
      'div',
      { class: 'principals', 'data-account': account.accountId },
      element('h3', {}, escapeHtml(head)),
      account.error
        ? element('p', { class: 'error' }, escapeHtml(`could not be read: ${account.error}`))
        : '',
      items.length > 0 ? element('ul', {}, ...items) : '',
    );
  });
  return blocks.join('');
}

function failuresSection(capture: EstateCapture): string {
  const failures = capture.accounts
    .filter((account) => account.status === 'FAILED' || account.lastError)
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
    .map((account) =>
      element(
        'li',
        { class: 'failure' },
        element('strong', {}, escapeHtml(`${account.accountId} ${account.status}`)),
        ` at ${escapeHtml(account.updatedAt)}: `,
        escapeHtml(account.lastError ?? 'no error recorded'),
      ),
    );
  const unread = (capture.principals ?? [])
    .filter((account) => account.error)
    .map((account) =>
      element(
        'li',
        { class: 'failure' },
        escapeHtml(`${account.accountId}: principals could not be read: ${account.error}`),
      ),
    );
  const all = [...failures, ...unread];
  return all.length > 0
    ? element('ul', { id: 'failures' }, ...all)
    : element('p', { class: 'note' }, 'No failures recorded.');
}

export function renderEstateReport(capture: EstateCapture, now: Date): string {
  const deployment = capture.deployment;
  const subtitle = [
    `generated ${capture.generatedAt ?? now.toISOString()}`,
    deployment
      ? `security account ${deployment.securityAccountId}, ${deployment.region}, bucket ${deployment.bucket}, table ${deployment.table}`
      : '',
  ].filter(Boolean);
  const body = [
    element('h1', {}, 'scp-alt estate'),
    element('p', { class: 'subtitle' }, escapeHtml(subtitle.join(' · '))),
    summary(capture),
    element('h2', {}, 'Organization'),
    organizationTree(capture),
    element('h2', {}, 'Accounts'),
    accountTable(capture, now),
    element('h2', {}, 'Principals without a boundary'),
    principalsSection(capture),
    element('h2', {}, 'Recent failures'),
    failuresSection(capture),
  ];
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>scp-alt estate</title><style>${REPORT_STYLE}</style></head><body>${body.join('\n')}</body></html>\n`;
}
