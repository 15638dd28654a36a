/**
 * Hardening item 10, on the local stack: what reaches the IAM event dispatcher is what a member's
 * forwarding rule delivers, or it is refused and reported; calls against the boundary that failed
 * are reported, not dropped; a trail bucket name someone else owns is a clear error.
 */
import { DeleteRolePermissionsBoundaryCommand, PutRolePermissionsBoundaryCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { memberAccountConfig } from '#dev/local-aws/accounts.ts';
import { cloudTrailDetail } from '#dev/local-deployment/events.ts';
import { lambdaContext } from '#dev/local-deployment/handlers.ts';
import {
  accountItem,
  failureMessages,
  memberIam,
  principalBoundaries,
} from '#dev/local-deployment/inspect.ts';
import { policyKey, samplePolicy, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { useScpAlt } from '../support/for-tests.ts';

const env = useScpAlt();
const account = (name: string) => env.stack.organization.accounts[name] ?? '';

async function boundaryOf(accountId: string, roleName: string): Promise<string | undefined> {
  const principals = await principalBoundaries(await memberIam(env.stack, accountId));
  return principals.find((principal) => principal.kind === 'role' && principal.name === roleName)
    ?.boundaryArn;
}

/** Messages of one error code the operators received since the last read. */
async function messagesWith(code: string): Promise<string[]> {
  return (await failureMessages(env.scpAlt.deployment)).filter((message) =>
    message.includes(`Error code:  ${code}`),
  );
}

beforeAll(async () => {
  const { ous } = env.stack.organization;
  await uploadPolicy(
    env.scpAlt.deployment,
    policyKey(ous.Workloads ?? ''),
    await samplePolicy('deny-all-billing'),
  );
  const answer = await env.scpAlt.enroll(account('app-dev'), ous.Workloads ?? '');
  if (answer.response?.Status !== 'SUCCESS') throw new Error(`enroll app-dev: ${answer.response?.Reason}`);
  await failureMessages(env.scpAlt.deployment);
});

describe('events that are not what a member forwards are refused and reported', () => {
  it('Given an event naming app-dev sent by the sandbox account, Then app-dev is not touched and the operators are told once', async () => {
    const appDev = account('app-dev');
    // app-deployer carries our boundary; the forged event claims its boundary was removed.
    const before = await boundaryOf(appDev, 'app-deployer');
    await env.stack.control.clearCalls();

    const batch = await env.scpAlt.forwardIamCalls([
      {
        accountId: appDev,
        senderAccountId: account('sandbox'),
        eventName: 'DeleteRolePermissionsBoundary',
        principal: { kind: 'role', name: 'app-deployer' },
      },
    ]);
    const response = await env.scpAlt.dispatchIamEvents(batch);

    expect(response.batchItemFailures).toEqual([]);
    expect(await env.stack.control.countCalls({ service: 'iam', account: appDev })).toBe(0);
    expect(await boundaryOf(appDev, 'app-deployer')).toBe(before);
    const refused = await messagesWith('FORGED_EVENT_REFUSED');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toContain(`sent by account '${account('sandbox')}' for account ${appDev}`);
  });

  it('Given an event of another source delivered straight to the function, Then it is refused', async () => {
    const appDev = account('app-dev');
    const detail = cloudTrailDetail(env.scpAlt.deployment, {
      accountId: appDev,
      eventName: 'CreateRole',
      principal: { kind: 'role', name: 'app-runtime' },
    });
    const event = {
      version: '0',
      id: 'forged-1',
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'my.forger',
      account: appDev,
      time: new Date().toISOString(),
      region: env.stack.region,
      resources: [],
      detail,
    };

    const outcome = await env.scpAlt.handlers.iamEventDispatcher(
      event,
      lambdaContext(env.scpAlt.deployment, 'iam-event-dispatcher', 60_000),
    );

    expect(outcome).toEqual({ action: 'refused', reason: "source 'my.forger' is not aws.iam" });
    expect(await messagesWith('FORGED_EVENT_REFUSED')).toHaveLength(1);
  });
});

describe('failed calls against the boundary are reported, not dropped', () => {
  it('Given calls against boundaries that failed, When their CloudTrail records arrive in one batch, Then one notice lists them all', async () => {
    const appDev = account('app-dev');
    const iam = await memberIam(env.stack, appDev);
    // Real failed calls, recorded by the local stack: a service-linked role's boundary cannot be
    // removed, and a boundary must be an existing policy.
    const serviceLinked = (await principalBoundaries(iam)).find((p) =>
      p.path.startsWith('/aws-service-role/'),
    );
    await expect(
      iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: serviceLinked?.name ?? '' })),
    ).rejects.toThrow();
    const missing = `arn:aws-cn:iam::${appDev}:policy/does-not-exist`;
    await expect(
      iam.send(
        new PutRolePermissionsBoundaryCommand({ RoleName: 'app-runtime', PermissionsBoundary: missing }),
      ),
    ).rejects.toThrow();
    const records = (await env.stack.control.cloudTrailRecords({ account: appDev })).filter(
      (record) => record.errorCode !== undefined,
    );
    await failureMessages(env.scpAlt.deployment);

    // Against AWS our boundary refuses with AccessDenied; moto authorizes nothing, so that one is
    // written as CloudTrail writes it.
    const batch = await env.scpAlt.forwardCloudTrailRecords(records);
    const denied = await env.scpAlt.forwardIamCalls([
      {
        accountId: appDev,
        eventName: 'CreateRole',
        principal: { kind: 'role', name: 'no-boundary' },
        errorCode: 'AccessDenied',
      },
    ]);
    const response = await env.scpAlt.dispatchIamEvents({ Records: [...batch.Records, ...denied.Records] });

    expect(records.map((record) => [record.eventName, record.errorCode])).toEqual([
      ['DeleteRolePermissionsBoundary', 'UnmodifiableEntity'],
      ['PutRolePermissionsBoundary', 'NoSuchEntity'],
    ]);
    expect(response.batchItemFailures).toEqual([]);
    const attempts = await messagesWith('TAMPER_ATTEMPT_DENIED');
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toContain('3 call(s) against the boundary failed');
    expect(attempts[0]).toMatch(/DeleteRolePermissionsBoundary on role\/.+ failed \(UnmodifiableEntity\)/);
    expect(attempts[0]).toContain('CreateRole on role/no-boundary');
  });
});

describe('a trail bucket name owned by another account', () => {
  it('Given another account owns scp-trail-bucket-<account>, When the account is enrolled with a trail, Then it fails naming the bucket and the next step', async () => {
    const appProd = account('app-prod');
    const bucket = `scp-trail-bucket-${appProd}`;
    const squatter = new S3Client(await memberAccountConfig(env.stack, account('sandbox'), 's3'));
    await squatter.send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: env.stack.region as never },
      }),
    );

    const answer = await env.scpAlt.register('Create', {
      accountId: appProd,
      ouId: env.stack.organization.ous['Workloads/Prod'] ?? '',
      createCloudTrail: 'yes',
    });

    expect(answer.response?.Status).toBe('FAILED');
    expect(answer.response?.Reason).toMatch(
      new RegExp(`^TRAIL_BUCKET_TAKEN: .*${bucket} belongs to another account`),
    );
    expect(answer.response?.Reason).toContain('CreateCloudTrail=no');
    expect(await accountItem(env.scpAlt.deployment, appProd)).toMatchObject({ Status: 'FAILED' });
  });
});
