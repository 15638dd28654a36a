/**
 * Hardening item 6, on the local stack: scp-alt ignores the IAM events of its own calls, and only
 * those. Its sessions are told apart by an STS source identity that every hop of its role chain
 * carries and that only the management role may set on the organization access role; a session
 * name anyone can choose no longer counts. The events are the CloudTrail records of the real calls
 * (the local stack records them with the session's source identity), forwarded as a member's rule
 * forwards them.
 */
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  assumeRole,
  memberAccountConfig,
  ORGANIZATION_ACCESS_ROLE,
  roleArn,
} from '#dev/local-aws/accounts.ts';
import type { AwsCredentials, CloudTrailRecord } from '#dev/local-aws/types.ts';
import { boundaryPolicyArn, memberIam, principalBoundaries } from '#dev/local-deployment/inspect.ts';
import { policyKey, samplePolicy, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { useScpAlt } from '../support/for-tests.ts';

const env = useScpAlt();
const appDev = () => env.stack.organization.accounts['app-dev'] ?? '';
const trust = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

async function createRoleAs(credentials: AwsCredentials, name: string) {
  const iam = new IAMClient(env.stack.clientConfig('iam', { credentials }));
  await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust() }));
}

async function recordOf(eventName: string, roleName: string): Promise<CloudTrailRecord> {
  const records = await env.stack.control.cloudTrailRecords({ account: appDev(), eventName });
  const record = records.find((candidate) => candidate.requestParameters?.roleName === roleName);
  if (!record) throw new Error(`no CloudTrail record of ${eventName} ${roleName}`);
  return record;
}

async function boundaryOf(roleName: string): Promise<string | undefined> {
  const principals = await principalBoundaries(await memberIam(env.stack, appDev()));
  return principals.find((principal) => principal.kind === 'role' && principal.name === roleName)
    ?.boundaryArn;
}

beforeAll(async () => {
  const workloads = env.stack.organization.ous.Workloads ?? '';
  await uploadPolicy(env.scpAlt.deployment, policyKey(workloads), await samplePolicy('deny-all-billing'));
  const answer = await env.scpAlt.enroll(appDev(), workloads);
  if (answer.response?.Status !== 'SUCCESS') throw new Error(`enroll app-dev: ${answer.response?.Reason}`);
});

describe('our own sessions are recognised by a source identity nobody else can set', () => {
  it('Given enrollment created the forwarding role, When the CloudTrail record of that call is forwarded, Then the dispatcher knows the call as ours', async () => {
    const record = await recordOf('CreateRole', 'scp-event-rule');

    const outcome = await env.scpAlt.reportRecordedIamCall(record);

    expect(record.userIdentity).toMatchObject({
      arn: expect.stringContaining(`:assumed-role/${ORGANIZATION_ACCESS_ROLE}/scp-alt-account-register`),
      sessionContext: { sourceIdentity: 'scp-alt-account-register' },
    });
    expect(outcome).toEqual({ action: 'ignored', reason: 'made by scp-alt itself' });
  });

  it('Given a session of the organization access role named like ours, When it creates a role without the boundary, Then the role gets the boundary', async () => {
    const impostor = await assumeRole(env.stack, roleArn(env.stack, appDev(), ORGANIZATION_ACCESS_ROLE), {
      sessionName: 'scp-alt-account-register',
    });
    await createRoleAs(impostor, 'named-like-ours');

    const outcome = await env.scpAlt.reportRecordedIamCall(await recordOf('CreateRole', 'named-like-ours'));

    expect(outcome).toEqual({ action: 'principal', outcome: 'attached' });
    expect(await boundaryOf('named-like-ours')).toBe(boundaryPolicyArn(env.scpAlt.deployment, appDev()));
  });

  it('Given the management account sets our source identity on the organization access role itself, Then STS refuses: only the management role may', async () => {
    await expect(
      assumeRole(env.stack, roleArn(env.stack, appDev(), ORGANIZATION_ACCESS_ROLE), {
        sourceIdentity: 'scp-alt-account-register',
      }),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining('sts:SetSourceIdentity'),
    });
  });

  it('Given a member sets our source identity on a role it controls, When that session creates a role, Then it is not taken for ours', async () => {
    const admin = await memberAccountConfig(env.stack, appDev(), 'iam');
    const adminArn = roleArn(env.stack, appDev(), ORGANIZATION_ACCESS_ROLE);
    await new IAMClient(admin).send(
      new CreateRoleCommand({
        RoleName: 'own-identity',
        AssumeRolePolicyDocument: trust({
          Effect: 'Allow',
          Principal: { AWS: adminArn },
          Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
        }),
      }),
    );
    const session = await assumeRole(env.stack, roleArn(env.stack, appDev(), 'own-identity'), {
      as: admin.credentials,
      sourceIdentity: 'scp-alt-account-register',
    });
    await createRoleAs(session, 'made-under-our-name');

    const record = await recordOf('CreateRole', 'made-under-our-name');
    const outcome = await env.scpAlt.reportRecordedIamCall(record);

    expect(record.userIdentity.sessionContext?.sourceIdentity).toBe('scp-alt-account-register');
    expect(outcome).toEqual({ action: 'principal', outcome: 'attached' });
  });
});
