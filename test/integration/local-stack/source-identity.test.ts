/**
 * The proxy models STS source identity as IAM documents it (IAM User Guide, "Monitor and control
 * actions taken with assumed roles"): setting one needs sts:SetSourceIdentity in the trust of the
 * role assumed, it is kept through role chaining, where every later trust must allow that action
 * too, and it can never change. moto knows none of it.
 */
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { assumeRole, memberAccountConfig, roleArn } from '#dev/local-aws/accounts.ts';
import { useLocalStack } from '#dev/local-aws/for-tests.ts';

const stack = useLocalStack({ seed: true });

const trust = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

async function createRole(iam: IAMClient, name: string, document: string) {
  await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: document }));
}

describe('STS source identity on the local stack', () => {
  it('needs sts:SetSourceIdentity in the trust, keeps the identity through a chain, and never lets it change', async () => {
    const { managementAccountId, accounts } = stack.organization;
    const sandbox = accounts.sandbox ?? '';
    const management = new IAMClient(stack.clientConfig('iam'));
    const member = new IAMClient(await memberAccountConfig(stack, sandbox, 'iam'));
    const first = roleArn(stack, managementAccountId, 'si-first');
    await createRole(
      management,
      'si-first',
      trust({
        Effect: 'Allow',
        Principal: { AWS: managementAccountId },
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
      }),
    );
    await createRole(
      member,
      'si-plain',
      trust({ Effect: 'Allow', Principal: { AWS: first }, Action: 'sts:AssumeRole' }),
    );
    await createRole(
      member,
      'si-allowing',
      trust({
        Effect: 'Allow',
        Principal: { AWS: first },
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
      }),
    );

    const withIdentity = await assumeRole(stack, first, { sourceIdentity: 'alice' });
    const answer = await new STSClient(stack.clientConfig('sts', { credentials: withIdentity })).send(
      new AssumeRoleCommand({ RoleArn: roleArn(stack, sandbox, 'si-allowing'), RoleSessionName: 'next' }),
    );

    expect(answer.SourceIdentity).toBe('alice');
    await expect(
      assumeRole(stack, roleArn(stack, sandbox, 'si-plain'), { as: withIdentity }),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining('sts:SetSourceIdentity'),
    });
    await expect(
      assumeRole(stack, roleArn(stack, sandbox, 'si-allowing'), {
        as: withIdentity,
        sourceIdentity: 'mallory',
      }),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    // Without a source identity, the plain trust admits the same caller.
    const without = await assumeRole(stack, first);
    await expect(
      assumeRole(stack, roleArn(stack, sandbox, 'si-plain'), { as: without }),
    ).resolves.toBeDefined();
  });

  it('records the source identity of the session in the CloudTrail record of an IAM call', async () => {
    const { managementAccountId, accounts } = stack.organization;
    const appDev = accounts['app-dev'] ?? '';
    const management = new IAMClient(stack.clientConfig('iam'));
    const member = new IAMClient(await memberAccountConfig(stack, appDev, 'iam'));
    const first = roleArn(stack, managementAccountId, 'si-recorded');
    await createRole(
      management,
      'si-recorded',
      trust({
        Effect: 'Allow',
        Principal: { AWS: managementAccountId },
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
      }),
    );
    await createRole(
      member,
      'si-target',
      trust({
        Effect: 'Allow',
        Principal: { AWS: first },
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
      }),
    );
    const session = await assumeRole(stack, roleArn(stack, appDev, 'si-target'), {
      as: await assumeRole(stack, first, { sourceIdentity: 'bob' }),
      sessionName: 'made-it',
    });

    await new IAMClient(stack.clientConfig('iam', { credentials: session })).send(
      new CreateRoleCommand({ RoleName: 'si-created', AssumeRolePolicyDocument: trust() }),
    );

    const [record] = await stack.control
      .cloudTrailRecords({ account: appDev, eventName: 'CreateRole' })
      .then((records) =>
        records.filter((candidate) => candidate.requestParameters?.roleName === 'si-created'),
      );
    expect(record).toMatchObject({
      eventSource: 'iam.amazonaws.com',
      recipientAccountId: appDev,
      requestParameters: { roleName: 'si-created' },
      userIdentity: {
        type: 'AssumedRole',
        arn: `arn:aws-cn:sts::${appDev}:assumed-role/si-target/made-it`,
        sessionContext: {
          sessionIssuer: { arn: roleArn(stack, appDev, 'si-target') },
          sourceIdentity: 'bob',
        },
      },
    });
  });
});
