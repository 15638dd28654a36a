/**
 * The original use cases, played through the real handlers with real-shaped events. Each step
 * states its expectations on the checklist; none throws on a missed expectation, so the report
 * shows every step.
 */

import { CreateRoleCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import type { SeededOrganization } from '#dev/local-aws/seed.ts';
import type { LocalStackClient } from '#dev/local-aws/stack.ts';
import { takeS3Notifications } from '#dev/local-deployment/events.ts';
import {
  actionsIn,
  boundaryPolicyArn,
  carrying,
  defaultVersion,
  failureMessages,
  memberIam,
  type PrincipalBoundary,
  principalBoundaries,
} from '#dev/local-deployment/inspect.ts';
import { policyKey, samplePolicy, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import type { LocalScpAlt } from '#dev/local-deployment/scp-alt.ts';
import { accountRootArn } from '#policy/arn.ts';
import { partitionOfRegion } from '#policy/partition.ts';
import type { Checklist } from './checklist.ts';

export interface Demo {
  stack: LocalStackClient;
  organization: SeededOrganization;
  scpAlt: LocalScpAlt;
  checks: Checklist;
  /** What scp-alt refused during the demo, for the report. */
  refusals: string[];
  /** Every SNS message the operators received, in order. */
  messages: string[];
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

const account = (demo: Demo, name: string) => demo.organization.accounts[name] ?? '';
const ou = (demo: Demo, path: string) => demo.organization.ous[path] ?? '';

async function collectMessages(demo: Demo, atLeast = 0): Promise<string[]> {
  const received = await failureMessages(demo.scpAlt.deployment, { atLeast });
  demo.messages.push(...received);
  return received;
}

async function boundaryActions(demo: Demo, accountId: string): Promise<string[]> {
  const iam = await memberIam(demo.stack, accountId);
  return actionsIn(
    (await defaultVersion(iam, boundaryPolicyArn(demo.scpAlt.deployment, accountId)))?.document,
  );
}

/** The files a security administrator uploads before enrolling anyone. */
export async function uploadSamplePolicies(demo: Demo): Promise<void> {
  const files: [string, string][] = [
    [policyKey(demo.organization.rootId), 'deny-leave-organization'],
    [policyKey(ou(demo, 'Workloads')), '010-region-beijing-only'],
    [policyKey(ou(demo, 'Sandbox')), 'deny-all-billing'],
    [policyKey(`account-${account(demo, 'app-prod')}`), 'deny-account-creator-admin'],
  ];
  for (const [key, sample] of files) {
    await uploadPolicy(demo.scpAlt.deployment, key, await samplePolicy(sample));
    demo.say(`  ${sample}.json → ${key}`);
  }
  // No account is enrolled yet: the notifications reach nobody.
  const results = await demo.scpAlt.dispatchS3(
    await takeS3Notifications(demo.scpAlt.deployment, files.length),
  );
  const touched = results.flatMap((result) => result.accounts);
  demo.checks.check('upload', 'uploads before enrollment touch no account', touched.length === 0);
}

/** Service Catalog launches of the SCP Account register product for the three member accounts. */
export async function enrollMembers(demo: Demo): Promise<void> {
  for (const [name, path] of [
    ['app-dev', 'Workloads'],
    ['app-prod', 'Workloads/Prod'],
    ['sandbox', 'Sandbox'],
  ] as const) {
    const accountId = account(demo, name);
    const answer = await demo.scpAlt.enroll(accountId, ou(demo, path));
    demo.say(`  ${name} (${accountId}): ${answer.response?.Status ?? 'no answer'}`);
    demo.checks.check(
      'enroll',
      `${name}: CloudFormation answered SUCCESS with PhysicalResourceId = account id`,
      answer.answers === 1 &&
        answer.response?.Status === 'SUCCESS' &&
        answer.response.PhysicalResourceId === accountId,
      answer.response?.Reason,
    );
    const policyArn = boundaryPolicyArn(demo.scpAlt.deployment, accountId);
    const principals = await principalBoundaries(await memberIam(demo.stack, accountId));
    const wrong = principals.filter((p) => (p.boundaryArn === policyArn) === isSeededExempt(p));
    demo.checks.check(
      'enroll',
      `${name}: every user and role carries the boundary except the exempt ones`,
      wrong.length === 0,
      `wrong: ${wrong.map((p) => `${p.kind}/${p.name}`).join(', ')}`,
    );
  }
}

/** The security and management accounts must never be enrolled. */
export async function refuseReservedAccounts(demo: Demo): Promise<void> {
  const { securityAccountId, managementAccountId, rootId } = demo.organization;
  for (const [label, accountId] of [
    ['security account', securityAccountId],
    ['management account', managementAccountId],
  ] as const) {
    const answer = await demo.scpAlt.enroll(accountId, rootId);
    const reason = answer.response?.Reason ?? '';
    demo.refusals.push(`${label} ${accountId}: ${reason}`);
    demo.say(`  ${label}: ${answer.response?.Status ?? 'no answer'}`);
    demo.checks.check(
      'refuse',
      `${label}: answered FAILED with a reason naming it`,
      answer.response?.Status === 'FAILED' && reason.includes(label),
      reason,
    );
  }
  await collectMessages(demo, 2);
}

/** A policy change on an OU, in the folder form `<ou-id>/<name>.json`. */
export async function updateWorkloadsPolicy(demo: Demo): Promise<void> {
  const key = policyKey(ou(demo, 'Workloads'), 'deny-s3');
  demo.say(`  020-deny-all-S3-actions.json → ${key}`);
  const results = await demo.scpAlt.uploadPolicy(key, await samplePolicy('020-deny-all-S3-actions'));
  const updated = results
    .flatMap((result) => result.accounts)
    .filter((result) => result.outcome === 'updated')
    .map((result) => result.accountId)
    .sort();
  const expected = [account(demo, 'app-dev'), account(demo, 'app-prod')].sort();
  demo.checks.check(
    'update',
    'both accounts under Workloads were recompiled, the sandbox was not',
    JSON.stringify(updated) === JSON.stringify(expected),
    `updated: ${updated.join(', ') || 'none'}`,
  );
  for (const name of ['app-dev', 'app-prod', 'sandbox']) {
    const denyS3 = (await boundaryActions(demo, account(demo, name))).includes('s3:*');
    demo.checks.check(
      'update',
      `${name}: boundary ${name === 'sandbox' ? 'does not deny' : 'denies'} s3:*`,
      denyS3 === (name !== 'sandbox'),
    );
  }
}

/** A developer creates a role and a user in app-dev; CloudTrail events reach the security bus. */
export async function createPrincipals(demo: Demo): Promise<void> {
  const appDev = account(demo, 'app-dev');
  const iam = await memberIam(demo.stack, appDev);
  const partition = partitionOfRegion(demo.stack.region);
  const trust = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: accountRootArn(partition, appDev) },
        Action: 'sts:AssumeRole',
      },
    ],
  };
  await iam.send(
    new CreateRoleCommand({ RoleName: 'reporting-job', AssumeRolePolicyDocument: JSON.stringify(trust) }),
  );
  await iam.send(new CreateUserCommand({ UserName: 'carol-contractor' }));
  const outcomes = [
    await demo.scpAlt.reportIamCall({
      accountId: appDev,
      eventName: 'CreateRole',
      principal: { kind: 'role', name: 'reporting-job' },
    }),
    await demo.scpAlt.reportIamCall({
      accountId: appDev,
      eventName: 'CreateUser',
      principal: { kind: 'user', name: 'carol-contractor' },
    }),
  ];
  demo.say(`  iam-event-dispatcher: ${outcomes.map((outcome) => JSON.stringify(outcome)).join(', ')}`);
  const bounded = carrying(await principalBoundaries(iam), boundaryPolicyArn(demo.scpAlt.deployment, appDev));
  demo.checks.check(
    'create',
    'the new role and user carry the boundary',
    bounded.includes('role/reporting-job') && bounded.includes('user/carol-contractor'),
    `bounded: ${bounded.join(', ')}`,
  );
}

/** A broken file must be refused with a message the administrator can act on. */
export async function uploadBrokenFile(demo: Demo): Promise<void> {
  const sandbox = account(demo, 'sandbox');
  const key = policyKey(ou(demo, 'Sandbox'));
  demo.say(`  misspelled action → ${key}`);
  const iam = await memberIam(demo.stack, sandbox);
  const policyArn = boundaryPolicyArn(demo.scpAlt.deployment, sandbox);
  const before = await defaultVersion(iam, policyArn);
  const broken = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AllowAll', Effect: 'Allow', Action: '*', Resource: '*' },
      { Sid: 'DenyBilling', Effect: 'Deny', Action: 'billing:ViewBillng', Resource: '*' },
    ],
  });
  const results = await demo.scpAlt.uploadPolicy(key, broken);
  const messages = await collectMessages(demo, 1);
  const about = messages.find((text) => text.includes(key)) ?? '';
  const rejected = results.length > 0 && results.every((r) => r.rejected && r.accounts.length === 0);
  demo.checks.check('broken', 'the file was rejected before any account was touched', rejected);
  const finding = results[0]?.rejected?.[0];
  if (finding) demo.refusals.push(`${key}: ${finding.path} ${finding.message} [${finding.code}]`);
  demo.checks.check(
    'broken',
    'the SNS message names the file, the statement and the rule',
    about.includes('Statement[1]') && about.includes('policy.statement.action.unknown'),
    about.split('\n')[0],
  );
  const after = await defaultVersion(iam, policyArn);
  demo.checks.check(
    'broken',
    'the sandbox boundary is unchanged',
    JSON.stringify(after) === JSON.stringify(before),
  );
}

/** Terminating the provisioned product of the sandbox account. */
export async function deregisterSandbox(demo: Demo): Promise<void> {
  const sandbox = account(demo, 'sandbox');
  const answer = await demo.scpAlt.deregister(sandbox, ou(demo, 'Sandbox'));
  demo.say(`  sandbox (${sandbox}): ${answer.response?.Status ?? 'no answer'}`);
  demo.checks.check(
    'deregister',
    'CloudFormation answered SUCCESS',
    answer.response?.Status === 'SUCCESS',
    answer.response?.Reason,
  );
  const iam = await memberIam(demo.stack, sandbox);
  const policyArn = boundaryPolicyArn(demo.scpAlt.deployment, sandbox);
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
