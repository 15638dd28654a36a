/** How a plan reads on a terminal: file changes first, then each account, every statement in full. */
import { formatFindings } from '../format.ts';
import type { FileChange } from './file-diff.ts';
import type { AccountPlan, AdditionalPolicyPlan } from './plan-accounts.ts';
import { isEmptyDiff, type StatementDiff } from './statement-diff.ts';
import { statementHeader, statementLines } from './statement-text.ts';
import type { Terminal } from './terminal.ts';

/** Wide enough for an ARN per line, narrow enough for a laptop terminal. */
export const PLAN_WIDTH = 100;

function statementChanges(diff: StatementDiff, terminal: Terminal, indent: string): string[] {
  const block = (
    mark: string,
    colour: 'green' | 'red' | 'yellow',
    statement: Parameters<typeof statementLines>[0],
  ) => [
    terminal.paint(colour, `${indent}${mark} ${statementHeader(statement)}`),
    ...statementLines(statement, PLAN_WIDTH - indent.length - 4).map((line) => `${indent}    ${line}`),
  ];
  return [
    ...diff.added.flatMap((statement) => block('+', 'green', statement)),
    ...diff.removed.flatMap((statement) => block('-', 'red', statement)),
    ...diff.changed.flatMap((change) => [
      ...block('~', 'yellow', change.after),
      `${indent}    ${terminal.paint('dim', 'was:')}`,
      ...statementLines(change.before, PLAN_WIDTH - indent.length - 8).map((line) =>
        terminal.paint('dim', `${indent}        ${line}`),
      ),
    ]),
  ];
}

const counts = (diff: StatementDiff) =>
  `+${diff.added.length} -${diff.removed.length} ~${diff.changed.length}`;

export function fileChangesText(changes: FileChange[], against: string, terminal: Terminal): string {
  if (changes.length === 0) return `files: none differs from ${against}\n`;
  const lines = [`files: ${changes.length} differ from ${against}`];
  for (const change of changes) {
    const mark = change.change === 'added' ? '+' : change.change === 'removed' ? '-' : '~';
    const colour = change.change === 'added' ? 'green' : change.change === 'removed' ? 'red' : 'yellow';
    const detail = change.statements
      ? ` (statements ${counts(change.statements)})`
      : ' (not JSON on one side)';
    lines.push(terminal.paint(colour, `  ${mark} ${change.key} ${change.change}${detail}`));
    if (change.statements) lines.push(...statementChanges(change.statements, terminal, '      '));
  }
  return `${lines.join('\n')}\n`;
}

export function accountPlanText(plan: AccountPlan, terminal: Terminal): string {
  const lines = [
    `${terminal.paint('bold', `account ${plan.accountId}`)} ${plan.status} ${plan.ouPath.join(' → ')}`,
  ];
  if (plan.recordedPath)
    lines.push(
      terminal.paint(
        'yellow',
        `  moved    from ${plan.recordedPath.join(' → ')} (recorded); planned for where Organizations has it now`,
      ),
    );
  for (const exempt of plan.exemptions ?? [])
    lines.push(
      `  exempt   ${exempt.name}: ${exempt.why}${exempt.present ? '' : terminal.paint('dim', ' (not in the account)')}`,
    );
  if (plan.error) {
    lines.push(terminal.paint('red', `  error ${plan.error.code}: ${plan.error.message}`));
    lines.push(`  next: ${plan.error.nextAction}`);
    if (plan.error.findings)
      lines.push(
        ...formatFindings(plan.error.findings)
          .trimEnd()
          .split('\n')
          .map((line) => `    ${line}`),
      );
    return `${lines.join('\n')}\n`;
  }
  lines.push(`  files    ${plan.files.join(', ')}`);
  lines.push(`  size     ${plan.size} / ${plan.sizeLimit}`);
  lines.push(
    `  deployed ${plan.deployed ? `${plan.deployed.versionId} ${plan.deployed.hash.slice(0, 12)}` : 'none'}`,
  );
  for (const warning of plan.warnings)
    lines.push(terminal.paint('yellow', `  ${formatFindings([warning]).trimEnd()}`));
  const diff = plan.diff;
  if (!plan.changed || !diff) lines.push(`  ${terminal.paint('dim', 'no change')}`);
  else if (!isEmptyDiff(diff)) {
    lines.push(`  changes  ${counts(diff)} (=${diff.unchanged})`);
    lines.push(...statementChanges(diff, terminal, '    '));
  }
  for (const extra of plan.additionalPolicies) lines.push(...additionalPolicyLines(extra, plan, terminal));
  return `${lines.join('\n')}\n`;
}

/** One additional policy: its size, what is deployed, and its statement diff. */
function additionalPolicyLines(extra: AdditionalPolicyPlan, plan: AccountPlan, terminal: Terminal): string[] {
  const deployed = extra.deployed
    ? `${extra.deployed.versionId} ${extra.deployed.hash.slice(0, 12)}`
    : 'none';
  if (extra.change === 'removed')
    return [
      terminal.paint('red', `  - ${extra.name} no longer needed: detached from every principal and deleted`),
    ];
  const header = `  ${extra.name} size ${extra.size} / ${plan.sizeLimit}, deployed ${deployed}`;
  if (extra.change === 'unchanged' || !extra.diff) return [`${header} ${terminal.paint('dim', 'no change')}`];
  const mark =
    extra.change === 'added' ? terminal.paint('green', 'new: attached to every bounded principal') : '';
  return [
    `${header}${mark ? ` ${mark}` : ''}`,
    `    changes  ${counts(extra.diff)} (=${extra.diff.unchanged})`,
    ...statementChanges(extra.diff, terminal, '      '),
  ];
}
