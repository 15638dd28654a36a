/** The demo's closing report: the state of each account as an operator would inspect it. */
import type { Deployment } from '#dev/local-deployment/deployment.ts';
import {
  accountItem,
  boundaryPolicyArn,
  carrying,
  defaultVersion,
  memberIam,
  principalBoundaries,
} from '#dev/local-deployment/inspect.ts';
import type { Demo } from './steps.ts';

/** `r-ab12 → ou-ab12-… ` as names: `Root / Workloads / Prod`. */
function ouPathNames(demo: Demo, ouPath: unknown): string {
  if (!Array.isArray(ouPath) || ouPath.length === 0) return '-';
  const { organization } = demo.env;
  const names = new Map(Object.entries(organization.ous).map(([path, id]) => [id, path.split('/').pop()]));
  return ouPath
    .map((id: string) => (id === organization.rootId ? 'Root' : (names.get(id) ?? id)))
    .join(' / ');
}

async function accountSection(demo: Demo, deployment: Deployment, name: string, accountId: string) {
  const iam = await memberIam(demo.env.stack, accountId);
  const policyArn = boundaryPolicyArn(deployment, accountId);
  const [item, boundary, principals] = await Promise.all([
    accountItem(deployment, accountId),
    defaultVersion(iam, policyArn),
    principalBoundaries(iam),
  ]);
  const bounded = carrying(principals, policyArn);
  const without = principals
    .filter((principal) => principal.boundaryArn === undefined)
    .map((principal) => `${principal.kind}/${principal.name}`)
    .sort();
  const files = Array.isArray(item?.ScpPolicyPathList) ? (item.ScpPolicyPathList as string[]) : [];
  return [
    `${name} (${accountId})`,
    `  status:     ${item ? String(item.Status) : 'not enrolled'}`,
    `  OU path:    ${ouPathNames(demo, item?.OuPath)}`,
    `  files:      ${files.join(', ') || '-'}`,
    `  boundary:   ${boundary ? `${boundary.versionId}, ${boundary.size} of 6,144 characters, ${boundary.document.Statement.length} statements` : 'none'}`,
    `  bounded:    ${bounded.join(', ') || '-'}`,
    `  unbounded:  ${without.join(', ') || '-'}`,
  ];
}

export async function demoReport(demo: Demo): Promise<string> {
  const { deployment, organization, notices } = demo.env;
  const lines = ['', '=== scp-alt demo report ===', ''];
  for (const [name, accountId] of Object.entries(organization.accounts)) {
    if (accountId === organization.securityAccountId) continue;
    lines.push(...(await accountSection(demo, deployment, name, accountId)), '');
  }
  lines.push('Refused, as expected:', ...demo.refusals.map((refusal) => `  - ${refusal}`), '');
  lines.push(`SNS messages to the operators (${notices.length}):`);
  for (const message of notices) {
    lines.push(...message.split('\n').map((line, index) => `  ${index === 0 ? '* ' : '  '}${line}`), '');
  }
  lines.push('Expectations:', ...demo.checks.lines().map((line) => `  ${line}`));
  return lines.join('\n');
}
