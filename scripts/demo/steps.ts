/**
 * The original use cases, played on the local environment as an operator and the member accounts'
 * people would: files uploaded to the bucket, Service Catalog launches, roles created in a member
 * account. The functions run by themselves from their triggers; each step waits until everything
 * has settled, then states its expectations on the checklist. No step throws on a missed
 * expectation, so the report shows every step.
 */
import { CreateRoleCommand, CreateUserCommand, type IAMClient } from '@aws-sdk/client-iam';
import {
  accountItem,
  actionsIn,
  boundaryPolicyArn,
  carrying,
  defaultVersion,
  memberIam,
  type PrincipalBoundary,
  principalBoundaries,
} from '#dev/local-deployment/inspect.ts';
import { policyKey, samplePolicy, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import type { LocalEnvironment } from '#dev/local-env/environment.ts';
import { accountRootArn } from '#policy/arn.ts';
import { partitionOfRegion } from '#policy/partition.ts';
import type { Checklist } from './checklist.ts';

export interface Demo {
  env: LocalEnvironment;
  checks: Checklist;
  /** What scp-alt refused on purpose during the demo, for the report. */
  refusals: string[];
  say(line: string): void;
}

/** Exempt in the seeded accounts: the access role, the StackSets role, the service-linked role. */
export function isSeededExempt(principal: PrincipalBoundary): boolean {
  return (
    (principal.kind === 'role' && principal.name === 'OrganizationAccountAccessRole') ||
    principal.name.startsWith('stacksets-exec-') ||
    principal.path.startsWith('/aws-service-role/')
  );
}

const MEMBERS = ['app-dev', 'app-prod', 'sandbox'] as const;
export const account = (demo: Demo, name: string) => demo.env.organization.accounts[name] ?? '';
export const ou = (demo: Demo, path: string) => demo.env.organization.ous[path] ?? '';

/** `ou-yf9s-mgg1w103` → `OU Workloads`, the root id → `the root`. */
export function targetName(demo: Demo, target: string): string {
  if (target === demo.env.organization.rootId) return 'the root';
  const path = Object.entries(demo.env.organization.ous).find(([, id]) => id === target)?.[0];
  if (path) return `OU ${path}`;
  const name = Object.entries(demo.env.organization.accounts).find(
    ([, id]) => `account-${id}` === target,
  )?.[0];
  return name ? `account ${name}` : target;
}

async function boundaryOf(demo: Demo, accountId: string) {
  return defaultVersion(
    await memberIam(demo.env.stack, accountId),
    boundaryPolicyArn(demo.env.deployment, accountId),
  );
}

async function boundaryVersions(demo: Demo): Promise<Record<string, string | undefined>> {
  const versions: Record<string, string | undefined> = {};
  for (const name of MEMBERS) versions[name] = (await boundaryOf(demo, account(demo, name)))?.versionId;
  return versions;
}

async function upload(demo: Demo, target: string, sample: string, name?: string): Promise<void> {
  const key = policyKey(target, name);
  await uploadPolicy(demo.env.deployment, key, await samplePolicy(sample));
  demo.say(`  ${sample}.json → ${key}  (${targetName(demo, target)})`);
}

/** The files a security administrator uploads before enrolling anyone. */
export async function uploadSamplePolicies(demo: Demo): Promise<void> {
  await upload(demo, demo.env.organization.rootId, 'deny-leave-organization');
  await upload(demo, ou(demo, 'Workloads'), '010-region-beijing-only');
  await upload(demo, ou(demo, 'Sandbox'), 'deny-all-billing');
  await upload(demo, `account-${account(demo, 'app-prod')}`, 'deny-account-creator-admin');
  await demo.env.settled();
  // s3-event-dispatcher ran for each file; no account is enrolled yet, so it touched none.
  const touched = [];
  for (const name of MEMBERS) {
    const accountId = account(demo, name);
    if ((await accountItem(demo.env.deployment, accountId)) || (await boundaryOf(demo, accountId)))
      touched.push(name);
  }
  demo.checks.check(
    'upload',
    'uploads before enrollment touch no account',
    touched.length === 0,
    touched.join(', '),
  );
}

/** Service Catalog launches of the SCP Account register product for the three member accounts. */
export async function enrollMembers(demo: Demo): Promise<void> {
  for (const [name, path] of [
    ['app-dev', 'Workloads'],
    ['app-prod', 'Workloads/Prod'],
    ['sandbox', 'Sandbox'],
  ] as const) {
    const accountId = account(demo, name);
    const answer = await demo.env.launchProduct('Create', accountId, ou(demo, path));
    demo.say(`  ${name} (${accountId}, OU ${path}): ${answer.response?.Status ?? 'no answer'}`);
    demo.checks.check(
      'enroll',
      `${name}: CloudFormation answered SUCCESS with PhysicalResourceId = account id`,
      answer.answers === 1 &&
        answer.response?.Status === 'SUCCESS' &&
        answer.response.PhysicalResourceId === accountId,
      answer.response?.Reason,
    );
    const policyArn = boundaryPolicyArn(demo.env.deployment, accountId);
    const principals = await principalBoundaries(await memberIam(demo.env.stack, accountId));
    const wrong = principals.filter((p) => (p.boundaryArn === policyArn) === isSeededExempt(p));
    demo.checks.check(
      'enroll',
      `${name}: every user and role carries the boundary except the exempt ones`,
      wrong.length === 0,
      `wrong: ${wrong.map((p) => `${p.kind}/${p.name}`).join(', ')}`,
    );
  }
  await demo.env.settled();
}

/** The security and management accounts must never be enrolled: both launches are refused. */
export async function refuseReservedAccounts(demo: Demo): Promise<void> {
  const { securityAccountId, managementAccountId, rootId } = demo.env.organization;
  for (const [label, accountId] of [
    ['security account', securityAccountId],
    ['management account', managementAccountId],
  ] as const) {
    const answer = await demo.env.launchProduct('Create', accountId, rootId);
    const reason = answer.response?.Reason ?? '';
    const refused = answer.response?.Status === 'FAILED' && reason.includes(label);
    demo.refusals.push(`${label} ${accountId}: ${reason}`);
    demo.say(
      `  ${label} ${accountId}: ${refused ? 'refused, as it must be' : `NOT refused (${answer.response?.Status})`}`,
    );
    demo.say(`    ${reason.split(';')[0]}`);
    demo.checks.check('refuse', `${label}: answered FAILED with a reason naming it`, refused, reason);
  }
  await demo.env.settled();
}

/** A policy change on an OU, in the folder form `<ou-id>/<name>.json`. */
export async function updateWorkloadsPolicy(demo: Demo): Promise<void> {
  const before = await boundaryVersions(demo);
  await upload(demo, ou(demo, 'Workloads'), '020-deny-all-S3-actions', 'deny-s3');
  await demo.env.settled();
  const after = await boundaryVersions(demo);
  const changed = MEMBERS.filter((name) => before[name] !== after[name]);
  for (const name of MEMBERS)
    demo.say(
      `  ${name}: boundary ${before[name]} → ${after[name]}${changed.includes(name) ? '' : ' (unchanged)'}`,
    );
  demo.checks.check(
    'update',
    'both accounts under Workloads were recompiled, the sandbox was not',
    JSON.stringify(changed) === JSON.stringify(['app-dev', 'app-prod']),
    `recompiled: ${changed.join(', ') || 'none'}`,
  );
  for (const name of MEMBERS) {
    const denyS3 = actionsIn((await boundaryOf(demo, account(demo, name)))?.document).includes('s3:*');
    demo.checks.check(
      'update',
      `${name}: boundary ${name === 'sandbox' ? 'does not deny' : 'denies'} s3:*`,
      denyS3 === (name !== 'sandbox'),
    );
  }
}

async function createRoleAndUser(iam: IAMClient, accountId: string, region: string): Promise<void> {
  const trust = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: accountRootArn(partitionOfRegion(region), accountId) },
        Action: 'sts:AssumeRole',
      },
    ],
  };
  await iam.send(
    new CreateRoleCommand({ RoleName: 'reporting-job', AssumeRolePolicyDocument: JSON.stringify(trust) }),
  );
  await iam.send(new CreateUserCommand({ UserName: 'carol-contractor' }));
}

/** app-dev's administrator creates a role and a user; their CloudTrail events reach the security bus. */
export async function createPrincipals(demo: Demo): Promise<void> {
  const appDev = account(demo, 'app-dev');
  const iam = await memberIam(demo.env.stack, appDev);
  await createRoleAndUser(iam, appDev, demo.env.stack.region);
  demo.say('  created role/reporting-job and user/carol-contractor without a boundary');
  await demo.env.settled();
  const bounded = carrying(await principalBoundaries(iam), boundaryPolicyArn(demo.env.deployment, appDev));
  for (const principal of ['role/reporting-job', 'user/carol-contractor'])
    demo.say(
      `  ${principal}: ${bounded.includes(principal) ? 'now carries scp-enforce-policy (iam-event-dispatcher, from its CloudTrail event)' : 'still has no boundary'}`,
    );
  demo.checks.check(
    'create',
    'the new role and user carry the boundary',
    bounded.includes('role/reporting-job') && bounded.includes('user/carol-contractor'),
    `bounded: ${bounded.join(', ')}`,
  );
}

/** A broken file must be refused with a message the administrator can act on. */
export async function uploadBrokenFile(demo: Demo): Promise<void> {
  const key = policyKey(ou(demo, 'Sandbox'));
  demo.say(`  misspelled action → ${key}  (OU Sandbox)`);
  const before = await boundaryVersions(demo);
  const noticesBefore = demo.env.notices.length;
  const broken = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AllowAll', Effect: 'Allow', Action: '*', Resource: '*' },
      { Sid: 'DenyBilling', Effect: 'Deny', Action: 'billing:ViewBillng', Resource: '*' },
    ],
  });
  await uploadPolicy(demo.env.deployment, key, broken);
  await demo.env.settled();
  const about = demo.env.notices.slice(noticesBefore).find((text) => text.includes(key)) ?? '';
  const after = await boundaryVersions(demo);
  const untouched = MEMBERS.every((name) => before[name] === after[name]);
  const finding = /Statement\[\d+\][^\n]*/.exec(about)?.[0];
  demo.say(
    finding
      ? `  refused, as it must be: ${finding}\n  no boundary changed; the operators were notified`
      : '  no notice about the file reached the operators',
  );
  if (finding) demo.refusals.push(`${key}: ${finding}`);
  demo.checks.check(
    'broken',
    'the file was rejected before any account was touched',
    untouched && about.includes('POLICY_INVALID'),
  );
  demo.checks.check(
    'broken',
    'the SNS message names the file, the statement and the rule',
    about.includes('Statement[1]') && about.includes('policy.statement.action.unknown'),
    about.split('\n')[0],
  );
  demo.checks.check('broken', 'the sandbox boundary is unchanged', before.sandbox === after.sandbox);
}

/** Terminating the provisioned product of the sandbox account. */
export async function deregisterSandbox(demo: Demo): Promise<void> {
  const sandbox = account(demo, 'sandbox');
  const answer = await demo.env.launchProduct('Delete', sandbox, ou(demo, 'Sandbox'));
  demo.say(`  sandbox (${sandbox}): ${answer.response?.Status ?? 'no answer'}`);
  await demo.env.settled();
  demo.checks.check(
    'deregister',
    'CloudFormation answered SUCCESS',
    answer.response?.Status === 'SUCCESS',
    answer.response?.Reason,
  );
  const iam = await memberIam(demo.env.stack, sandbox);
  const policyArn = boundaryPolicyArn(demo.env.deployment, sandbox);
  demo.checks.check(
    'deregister',
    'no principal carries the boundary any more',
    carrying(await principalBoundaries(iam), policyArn).length === 0,
  );
  demo.checks.check(
    'deregister',
    'scp-enforce-policy is deleted',
    (await defaultVersion(iam, policyArn)) === undefined,
  );
}
