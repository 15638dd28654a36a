/**
 * The packaged iam-event-dispatcher, run from its zip: CreateRole and CreateUser recorded by
 * CloudTrail in an enrolled account, forwarded through the security bus ("AWS API Call via
 * CloudTrail"), delivered directly as EventBridge would and as the SQS batch the queue hands over.
 */
import {
  CreateRoleCommand,
  CreateUserCommand,
  GetRoleCommand,
  GetUserCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { forwardIamCalls } from '#dev/local-deployment/events.ts';
import { boundaryPolicyArn, memberIam } from '#dev/local-deployment/inspect.ts';
import { policyKey, samplePolicy, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { partitionOfRegion } from '#policy/partition.ts';
import { usePackagedScpAlt } from './support/packaged-scp-alt.ts';

const env = usePackagedScpAlt();
const appDev = () => env.stack.organization.accounts['app-dev'] ?? '';
let iam: IAMClient;

beforeAll(async () => {
  const workloads = env.stack.organization.ous.Workloads ?? '';
  await uploadPolicy(env.deployment, policyKey(workloads), await samplePolicy('deny-all-billing'));
  await env.enroll(appDev(), workloads);
  iam = await memberIam(env.stack, appDev());
});

/** Creates the principal without a boundary, as an exempt creator (the organization access role) can. */
async function createPrincipal(kind: 'user' | 'role', name: string): Promise<void> {
  if (kind === 'user') {
    await iam.send(new CreateUserCommand({ UserName: name }));
    return;
  }
  const trust = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:${partitionOfRegion(env.stack.region)}:iam::${appDev()}:root` },
        Action: 'sts:AssumeRole',
      },
    ],
  };
  await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }));
}

async function boundaryOf(kind: 'user' | 'role', name: string): Promise<string | undefined> {
  if (kind === 'user')
    return (await iam.send(new GetUserCommand({ UserName: name }))).User?.PermissionsBoundary
      ?.PermissionsBoundaryArn;
  return (await iam.send(new GetRoleCommand({ RoleName: name }))).Role?.PermissionsBoundary
    ?.PermissionsBoundaryArn;
}

describe('iam-event-dispatcher from its zip', () => {
  it.each([
    ['CreateRole', 'direct', 'role'],
    ['CreateUser', 'direct', 'user'],
    ['CreateRole', 'sqs', 'role'],
    ['CreateUser', 'sqs', 'user'],
  ] as const)('%s delivered %s: the new principal gets the boundary', async (eventName, delivery, kind) => {
    const name = `new-${kind}-${delivery}`;
    await createPrincipal(kind, name);
    expect(await boundaryOf(kind, name)).toBeUndefined();
    const batch = await forwardIamCalls(env.deployment, [
      { accountId: appDev(), eventName, principal: { kind, name } },
    ]);
    expect(batch.Records, 'the security bus routed the event to its queue').toHaveLength(1);
    const forwarded = JSON.parse(batch.Records[0]?.body ?? '{}') as Record<string, unknown>;
    expect(forwarded['detail-type']).toBe('AWS API Call via CloudTrail');

    const answer = await env.succeed('iam-event-dispatcher', delivery === 'sqs' ? batch : forwarded);

    if (delivery === 'sqs') expect(answer).toEqual({ batchItemFailures: [] });
    expect(await boundaryOf(kind, name)).toBe(boundaryPolicyArn(env.deployment, appDev()));
  });
});
