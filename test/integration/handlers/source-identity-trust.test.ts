/**
 * The member hop marks scp-alt's sessions with its source identity, which the organization access
 * role's trust must allow. Enrollment adds the statement when an account lacks it (accounts created
 * or invited later have none); the functions that only keep accounts in step never change that
 * trust, and report the refusal instead.
 */

import { GetRoleCommand, type IAMClient, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { ORGANIZATION_ACCESS_ROLE } from '#dev/local-aws/accounts.ts';
import {
  accountItem,
  actionsIn,
  boundaryPolicyArn,
  defaultVersion,
  failureMessages,
  memberIam,
} from '#dev/local-deployment/inspect.ts';
import { denyingPolicy as deny, policyKey } from '#dev/local-deployment/policy-files.ts';
import { SOURCE_IDENTITY_TRUST_SID } from '#policy/own-sessions.ts';
import { useScpAlt } from '../support/for-tests.ts';

const env = useScpAlt();

interface TrustStatement {
  Sid?: string;
}

async function trustSids(iam: IAMClient): Promise<string[]> {
  const { Role } = await iam.send(new GetRoleCommand({ RoleName: ORGANIZATION_ACCESS_ROLE }));
  const trust = JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '{}')) as {
    Statement?: TrustStatement[];
  };
  return (trust.Statement ?? []).map((statement) => statement.Sid ?? '');
}

/** What an account created after deployment looks like: its access role trusts the management account only. */
async function withoutOurStatement(iam: IAMClient): Promise<void> {
  const { Role } = await iam.send(new GetRoleCommand({ RoleName: ORGANIZATION_ACCESS_ROLE }));
  const trust = JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '{}')) as {
    Statement?: TrustStatement[];
  };
  const kept = (trust.Statement ?? []).filter((statement) => statement.Sid !== SOURCE_IDENTITY_TRUST_SID);
  await iam.send(
    new UpdateAssumeRolePolicyCommand({
      RoleName: ORGANIZATION_ACCESS_ROLE,
      PolicyDocument: JSON.stringify({ ...trust, Statement: kept }),
    }),
  );
}

const org = () => env.stack.organization;
const ou = (name: string) => org().ous[name] ?? '';
const account = (name: string) => org().accounts[name] ?? '';

beforeAll(async () => {
  // Delivered now (nothing is enrolled yet), so the policy change below is one invocation.
  await env.scpAlt.uploadPolicy(policyKey(ou('Workloads')), deny('rds:DeleteDBInstance'));
});

describe("the organization access role's trust and scp-alt's source identity", () => {
  it('Given an access role that does not allow our source identity, When the account is enrolled, Then enrollment adds the statement once and succeeds', async () => {
    const appDev = account('app-dev');
    const iam = await memberIam(env.stack, appDev);
    await withoutOurStatement(iam);
    expect(await trustSids(iam)).not.toContain(SOURCE_IDENTITY_TRUST_SID);

    const answer = await env.scpAlt.enroll(appDev, ou('Workloads'));

    expect(answer.response?.Status).toBe('SUCCESS');
    expect((await trustSids(iam)).filter((sid) => sid === SOURCE_IDENTITY_TRUST_SID)).toHaveLength(1);
    expect((await accountItem(env.scpAlt.deployment, appDev))?.Status).toBe('ACTIVE');
    // An update of the same enrollment finds the statement in place and adds no second one.
    const again = await env.scpAlt.register('Update', {
      accountId: appDev,
      ouId: ou('Workloads'),
      physicalResourceId: appDev,
    });
    expect(again.response?.Status).toBe('SUCCESS');
    expect((await trustSids(iam)).filter((sid) => sid === SOURCE_IDENTITY_TRUST_SID)).toHaveLength(1);
  });

  it('Given the statement removed from an enrolled account, When a policy change arrives, Then the account is reported FAILED naming sts:SetSourceIdentity, its boundary is kept and the trust is left as found', async () => {
    const appDev = account('app-dev');
    const iam = await memberIam(env.stack, appDev);
    const arn = boundaryPolicyArn(env.scpAlt.deployment, appDev);
    const before = await defaultVersion(iam, arn);
    await failureMessages(env.scpAlt.deployment);
    await withoutOurStatement(iam);

    await env.scpAlt.uploadPolicy(policyKey(ou('Workloads')), deny('ec2:TerminateInstances'));

    const record = await accountItem(env.scpAlt.deployment, appDev);
    expect(record?.Status).toBe('FAILED');
    expect(String(record?.LastError)).toContain('sts:SetSourceIdentity');
    expect((await defaultVersion(iam, arn))?.versionId).toBe(before?.versionId);
    expect(actionsIn((await defaultVersion(iam, arn))?.document)).toContain('rds:DeleteDBInstance');
    expect(await trustSids(iam)).not.toContain(SOURCE_IDENTITY_TRUST_SID);
    const notices = await failureMessages(env.scpAlt.deployment, { atLeast: 1 });
    expect(notices.filter((notice) => notice.includes(appDev))).toHaveLength(1);
  });
});
