/**
 * Hardening item 4, on the local stack, with RequireBoundaryOnCreate=false: a principal created
 * with a boundary of its own that cannot be combined with ours (too large) gets ours instead of
 * keeping the foreign one forever, and the operators are told; one created without any boundary
 * gets ours. What remains is the time from creation to the event's attach, measured here for the
 * part scp-alt controls (CloudTrail's delivery to EventBridge comes on top, see README).
 */
import { CreatePolicyCommand, CreateRoleCommand, type IAMClient } from '@aws-sdk/client-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '#dev/local-aws/types.ts';
import {
  boundaryPolicyArn,
  defaultVersion,
  failureMessages,
  memberIam,
  principalBoundaries,
} from '#dev/local-deployment/inspect.ts';
import { policyKey, samplePolicy, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { useScpAlt } from '../support/for-tests.ts';

const env = useScpAlt();
const appDev = () => env.stack.organization.accounts['app-dev'] ?? '';
let iam: IAMClient;

/** A customer boundary of about 5,100 characters: with our denies it cannot fit in 6,144. */
function largeCustomerBoundary(): string {
  const statements = Array.from({ length: 32 }, (_, index) => ({
    Sid: `TeamDeny${index}`,
    Effect: 'Deny',
    Action: 'ec2:TerminateInstances',
    Resource: '*',
    Condition: { StringEquals: { 'aws:ResourceTag/team': `team-number-${index}` } },
  }));
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, ...statements],
  });
}

async function recordOfCreate(roleName: string): Promise<CloudTrailRecord> {
  const records = await env.stack.control.cloudTrailRecords({ account: appDev(), eventName: 'CreateRole' });
  const record = records.find((candidate) => candidate.requestParameters?.roleName === roleName);
  if (!record) throw new Error(`no CloudTrail record of CreateRole ${roleName}`);
  return record;
}

async function boundaryOf(roleName: string): Promise<string | undefined> {
  const principals = await principalBoundaries(iam);
  return principals.find((principal) => principal.kind === 'role' && principal.name === roleName)
    ?.boundaryArn;
}

const trust = JSON.stringify({ Version: '2012-10-17', Statement: [] });

beforeAll(async () => {
  const { scpAlt } = env;
  scpAlt.deployment.environment.REQUIRE_BOUNDARY_ON_CREATE = 'false';
  await scpAlt.coldStart();
  const workloads = env.stack.organization.ous.Workloads ?? '';
  await uploadPolicy(scpAlt.deployment, policyKey(workloads), await samplePolicy('deny-all-billing'));
  const answer = await scpAlt.enroll(appDev(), workloads);
  if (answer.response?.Status !== 'SUCCESS') throw new Error(`enroll app-dev: ${answer.response?.Reason}`);
  iam = await memberIam(env.stack, appDev());
});

describe('RequireBoundaryOnCreate=false: a foreign boundary is never kept alone', () => {
  it('Given the boundary still denies creating a principal with a boundary not ours, Then only exempt creators can, and the event path covers them', async () => {
    const ours = await defaultVersion(iam, boundaryPolicyArn(env.scpAlt.deployment, appDev()));
    const createDenies = ours?.document.Statement.filter(
      (statement) => statement.Sid === 'ScpAltCreateWithoutOtherBoundary',
    );
    expect(createDenies).toHaveLength(1);
  });

  it('Given a role created with a customer boundary too large to combine with ours, When its event arrives, Then it carries ours and the operators are told', async () => {
    const { Policy } = await iam.send(
      new CreatePolicyCommand({ PolicyName: 'team-boundary', PolicyDocument: largeCustomerBoundary() }),
    );
    await failureMessages(env.scpAlt.deployment);
    const created = Date.now();
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'with-foreign-boundary',
        AssumeRolePolicyDocument: trust,
        PermissionsBoundary: Policy?.Arn,
      }),
    );
    expect(await boundaryOf('with-foreign-boundary')).toBe(Policy?.Arn);

    const outcome = await env.scpAlt.reportRecordedIamCall(await recordOfCreate('with-foreign-boundary'));
    const window = Date.now() - created;

    expect(outcome).toEqual({ action: 'principal', outcome: 'replaced-customer-boundary' });
    expect(await boundaryOf('with-foreign-boundary')).toBe(
      boundaryPolicyArn(env.scpAlt.deployment, appDev()),
    );
    const notices = (await failureMessages(env.scpAlt.deployment)).filter((m) =>
      m.includes('DERIVED_BOUNDARY_FAILED'),
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(`role/with-foreign-boundary now carries`);
    expect(notices[0]).toMatch(/customer policy plus our denies is \d+ characters/);
    console.log(`create → event → attach, foreign boundary replaced: ${window} ms on the local stack`);
  });

  it('Given a role created without a boundary, When its event arrives, Then it carries ours', async () => {
    const created = Date.now();
    await iam.send(new CreateRoleCommand({ RoleName: 'without-boundary', AssumeRolePolicyDocument: trust }));

    const outcome = await env.scpAlt.reportRecordedIamCall(await recordOfCreate('without-boundary'));
    const window = Date.now() - created;

    expect(outcome).toEqual({ action: 'principal', outcome: 'attached' });
    expect(await boundaryOf('without-boundary')).toBe(boundaryPolicyArn(env.scpAlt.deployment, appDev()));
    console.log(`create → event → attach, no boundary: ${window} ms on the local stack`);
  });
});
