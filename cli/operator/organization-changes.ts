/**
 * What `status` and `plan` say about the organization itself: OUs created, renamed or deleted since
 * the reconciler last looked (it keeps that view in the account table), and policy files whose
 * root, OU or account no longer exists. Read live with the management role.
 */
import { errorText } from '#shared/errors.ts';
import type { FlowContext } from '#usecases/flow-context.ts';
import {
  describeChanges,
  filesWithoutTarget,
  indexTree,
  type OrganizationIndex,
  unitChanges,
} from '#usecases/organization-index.ts';

export interface OrganizationReport {
  /** When the reconciler saved the view the changes are counted from; null before its first run. */
  since: string | null;
  /** One line per created, renamed or deleted OU and per policy file without a target. */
  changes: string[];
  /** Why the organization could not be read; the rest is then empty. */
  error: string | null;
}

export async function organizationReport(
  ctx: FlowContext,
  policyKeys: () => Promise<readonly string[]>,
): Promise<{ report: OrganizationReport; index?: OrganizationIndex }> {
  try {
    const index = indexTree(await ctx.ports.organization.readTree());
    const view = await ctx.ports.organizationView.read();
    const changes = view ? unitChanges(view.units, index.units) : { created: [], renamed: [], deleted: [] };
    const lines = describeChanges(changes, filesWithoutTarget(await policyKeys(), index));
    return { report: { since: view?.seenAt ?? null, changes: lines, error: null }, index };
  } catch (error) {
    return { report: { since: null, changes: [], error: errorText(error) } };
  }
}

export function organizationReportText(report: OrganizationReport): string {
  if (report.error) return `organization: not read (${report.error})\n`;
  const since = report.since ? ` since the last reconcile (${report.since})` : '';
  if (report.changes.length === 0)
    return `organization: no OU changed${since}, every policy file has a target\n`;
  return [
    `organization: ${report.changes.length} change(s)${since}`,
    ...report.changes.map((line) => `  ${line}`),
  ]
    .join('\n')
    .concat('\n');
}
