import { CreateRoleCommand, CreateUserCommand, GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { assumeRole, memberAccountConfig, roleArn } from '#dev/local-aws/accounts.ts';
import { useLocalStack } from '#dev/local-aws/for-tests.ts';

const stack = useLocalStack({ seed: true });

function trustOnly(principal: string, condition?: Record<string, unknown>): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole', Condition: condition },
    ],
  });
}

describe('AssumeRole into a member account', () => {
  it('acts inside the member account, with aws-cn ARNs', async () => {
    const appDev = stack.organization.accounts['app-dev'] ?? '';
    const config = await memberAccountConfig(stack, appDev, 'iam');

    const identity = await new STSClient({ ...config, endpoint: stack.endpoints.sts }).send(
      new GetCallerIdentityCommand({}),
    );
    expect(identity.Account).toBe(appDev);
    expect(identity.Arn).toBe(
      `arn:aws-cn:sts::${appDev}:assumed-role/OrganizationAccountAccessRole/local-stack`,
    );

    const iam = new IAMClient(config);
    await iam.send(new CreateUserCommand({ UserName: 'made-by-test' }));
    const { User } = await iam.send(new GetUserCommand({ UserName: 'made-by-test' }));
    expect(User?.Arn).toBe(`arn:aws-cn:iam::${appDev}:user/made-by-test`);
  });

  it('chains roles: management role session → member role that trusts exactly that role', async () => {
    const { managementAccountId, accounts } = stack.organization;
    const sandbox = accounts.sandbox ?? '';
    const managementIam = new IAMClient(stack.clientConfig('iam'));
    const managerArn = roleArn(stack, managementAccountId, 'scp-alt-manager');
    await managementIam.send(
      new CreateRoleCommand({
        RoleName: 'scp-alt-manager',
        AssumeRolePolicyDocument: trustOnly(managementAccountId),
      }),
    );
    const memberIam = new IAMClient(await memberAccountConfig(stack, sandbox, 'iam'));
    await memberIam.send(
      new CreateRoleCommand({ RoleName: 'scp-alt-member', AssumeRolePolicyDocument: trustOnly(managerArn) }),
    );

    const managerSession = await assumeRole(stack, managerArn);
    const memberSession = await assumeRole(stack, roleArn(stack, sandbox, 'scp-alt-member'), {
      as: managerSession,
    });
    const identity = await new STSClient(stack.clientConfig('sts', { credentials: memberSession })).send(
      new GetCallerIdentityCommand({}),
    );
    expect(identity.Arn).toContain(`:${sandbox}:assumed-role/scp-alt-member/`);
  });
});

describe('AssumeRole refused by the role trust policy', () => {
  it('refuses a caller the trust policy does not name, with AccessDenied', async () => {
    const sandbox = stack.organization.accounts.sandbox ?? '';
    const memberIam = new IAMClient(await memberAccountConfig(stack, sandbox, 'iam'));
    await memberIam.send(
      new CreateRoleCommand({
        RoleName: 'trusts-someone-else',
        AssumeRolePolicyDocument: trustOnly('arn:aws-cn:iam::999999999999:role/other'),
      }),
    );
    const error = await assumeRole(stack, roleArn(stack, sandbox, 'trusts-someone-else')).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
  });

  it('requires the ExternalId the trust policy names', async () => {
    const { managementAccountId, accounts } = stack.organization;
    const sandbox = accounts.sandbox ?? '';
    const memberIam = new IAMClient(await memberAccountConfig(stack, sandbox, 'iam'));
    await memberIam.send(
      new CreateRoleCommand({
        RoleName: 'needs-external-id',
        AssumeRolePolicyDocument: trustOnly(managementAccountId, {
          StringEquals: { 'sts:ExternalId': 'scp-alt' },
        }),
      }),
    );
    const target = roleArn(stack, sandbox, 'needs-external-id');
    await expect(assumeRole(stack, target)).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(assumeRole(stack, target, { externalId: 'wrong' })).rejects.toMatchObject({
      name: 'AccessDenied',
    });
    await expect(assumeRole(stack, target, { externalId: 'scp-alt' })).resolves.toMatchObject({
      accessKeyId: expect.any(String),
    });
  });

  it('refuses a role that does not exist', async () => {
    const sandbox = stack.organization.accounts.sandbox ?? '';
    await expect(assumeRole(stack, roleArn(stack, sandbox, 'no-such-role'))).rejects.toMatchObject({
      name: 'AccessDenied',
    });
  });
});
