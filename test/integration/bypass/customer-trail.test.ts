/**
 * Hardening item 5, on the local stack: with CreateCloudTrail=no the trail that carries the
 * account's IAM events is the customer's, so enrollment names it (ProtectedTrails), checks it can
 * carry the events, records it, and every boundary compiled for the account protects it.
 */
import {
  CloudTrailClient,
  CreateTrailCommand,
  DescribeTrailsCommand,
  StartLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import { DescribeRuleCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { memberAccountConfig } from '#dev/local-aws/accounts.ts';
import { accountItem, boundaryPolicyArn, defaultVersion, memberIam } from '#dev/local-deployment/inspect.ts';
import { policyKey, samplePolicy, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { useScpAlt } from '../support/for-tests.ts';

const env = useScpAlt();
const account = (name: string) => env.stack.organization.accounts[name] ?? '';
const ou = (path: string) => env.stack.organization.ous[path] ?? '';

/** A trail of the account's own, as a customer who already has one keeps it. */
async function customerTrail(accountId: string, name: string, logging: boolean): Promise<void> {
  const s3 = new S3Client({
    ...(await memberAccountConfig(env.stack, accountId, 's3')),
    forcePathStyle: true,
  });
  const bucket = `${name}-logs-${accountId}`;
  await s3.send(
    new CreateBucketCommand({
      Bucket: bucket,
      CreateBucketConfiguration: { LocationConstraint: env.stack.region as never },
    }),
  );
  const trails = new CloudTrailClient(await memberAccountConfig(env.stack, accountId, 'cloudtrail'));
  await trails.send(
    new CreateTrailCommand({ Name: name, S3BucketName: bucket, IncludeGlobalServiceEvents: true }),
  );
  if (logging) await trails.send(new StartLoggingCommand({ Name: name }));
}

async function deployedText(accountId: string): Promise<string> {
  const iam = await memberIam(env.stack, accountId);
  return JSON.stringify(
    (await defaultVersion(iam, boundaryPolicyArn(env.scpAlt.deployment, accountId)))?.document,
  );
}

beforeAll(async () => {
  for (const path of ['Workloads', 'Workloads/Prod', 'Sandbox'])
    await uploadPolicy(env.scpAlt.deployment, policyKey(ou(path)), await samplePolicy('deny-all-billing'));
});

describe('enrollment names the customer trail to protect', () => {
  it("Given CreateCloudTrail=no and the account's own logging trail named, Then forwarding is set up, no trail is created, and the boundary protects the named one, also after a policy change", async () => {
    const appProd = account('app-prod');
    await customerTrail(appProd, 'org-audit', true);

    const answer = await env.scpAlt.register('Create', {
      accountId: appProd,
      ouId: ou('Workloads/Prod'),
      createCloudTrail: 'no',
      protectedTrails: 'org-audit',
    });

    expect(answer.response?.Status).toBe('SUCCESS');
    expect(await accountItem(env.scpAlt.deployment, appProd)).toMatchObject({
      ProtectedTrails: ['org-audit'],
    });
    const events = new EventBridgeClient(await memberAccountConfig(env.stack, appProd, 'events'));
    expect((await events.send(new DescribeRuleCommand({ Name: 'scp-event-rule' }))).State).toBe('ENABLED');
    const trails = new CloudTrailClient(await memberAccountConfig(env.stack, appProd, 'cloudtrail'));
    expect((await trails.send(new DescribeTrailsCommand({}))).trailList?.map((trail) => trail.Name)).toEqual([
      'org-audit',
    ]);
    const customerTrailArn = `arn:aws-cn:cloudtrail:*:${appProd}:trail/org-audit`;
    expect(await deployedText(appProd)).toContain(customerTrailArn);

    await env.scpAlt.uploadPolicy(
      policyKey(ou('Workloads/Prod')),
      await samplePolicy('deny-leave-organization'),
    );

    const after = await deployedText(appProd);
    expect(after).toContain('organizations:LeaveOrganization');
    expect(after).toContain(customerTrailArn);
  });

  it('Given the named trail does not log, Then enrollment fails saying EventBridge would see no IAM events, before anything is written', async () => {
    const sandbox = account('sandbox');
    await customerTrail(sandbox, 'stopped-trail', false);

    const answer = await env.scpAlt.register('Create', {
      accountId: sandbox,
      ouId: ou('Sandbox'),
      createCloudTrail: 'no',
      protectedTrails: 'stopped-trail',
    });

    expect(answer.response?.Status).toBe('FAILED');
    expect(answer.response?.Reason).toMatch(
      /^TRAIL_NOT_USABLE: .*stopped-trail .*not logging.*EventBridge would see no IAM events/,
    );
    const events = new EventBridgeClient(await memberAccountConfig(env.stack, sandbox, 'events'));
    await expect(events.send(new DescribeRuleCommand({ Name: 'scp-event-rule' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('Given a trail of another account, Then the request is refused as invalid, naming why', async () => {
    const appDev = account('app-dev');
    const foreign = `arn:aws-cn:cloudtrail:cn-north-1:${account('app-prod')}:trail/org-audit`;

    const answer = await env.scpAlt.register('Create', {
      accountId: appDev,
      ouId: ou('Workloads'),
      protectedTrails: foreign,
    });

    expect(answer.response?.Status).toBe('FAILED');
    expect(answer.response?.Reason).toMatch(
      new RegExp(`^INVALID_REQUEST: .*trail of account ${account('app-prod')}, not of ${appDev}`),
    );
    expect(answer.response?.PhysicalResourceId).toMatch(/^not-enrolled-/);
  });
});
