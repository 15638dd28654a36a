import { GetRoleCommand, IAMClient, ListRolesCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { ListParentsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import { memberAccountConfig } from '#dev/local-aws/accounts.ts';
import { useLocalStack } from '#dev/local-aws/for-tests.ts';
import { stackSetsExecRoleName } from '#dev/local-aws/seed.ts';

const stack = useLocalStack({ seed: true });
const organizations = new OrganizationsClient(stack.clientConfig('organizations'));

async function parentOf(childId: string): Promise<string | undefined> {
  const { Parents } = await organizations.send(new ListParentsCommand({ ChildId: childId }));
  return Parents?.[0]?.Id;
}

describe('seeding the default organization', () => {
  it('places accounts in their OUs and nests Prod under Workloads (ListParents)', async () => {
    const { rootId, ous, accounts } = stack.organization;
    expect(await parentOf(accounts['app-prod'] ?? '')).toBe(ous['Workloads/Prod']);
    expect(await parentOf(ous['Workloads/Prod'] ?? '')).toBe(ous.Workloads);
    expect(await parentOf(ous.Workloads ?? '')).toBe(rootId);
    expect(await parentOf(accounts.security ?? '')).toBe(ous.Security);
  });

  it('returns distinct 12-digit ids and the moto default account as management account', () => {
    const { managementAccountId, securityAccountId, accounts } = stack.organization;
    expect(managementAccountId).toBe('123456789012');
    expect(securityAccountId).toBe(accounts.security);
    const ids = Object.values(accounts);
    expect(new Set(ids).size).toBe(4);
    for (const id of ids) expect(id).toMatch(/^\d{12}$/);
  });

  it('creates the users and roles of the spec inside each member account', async () => {
    const appProd = stack.organization.accounts['app-prod'] ?? '';
    const iam = new IAMClient(await memberAccountConfig(stack, appProd, 'iam'));
    const users = (await iam.send(new ListUsersCommand({}))).Users?.map((user) => user.UserName);
    expect(users).toEqual(['carol']);
    const roles = (await iam.send(new ListRolesCommand({}))).Roles ?? [];
    expect(roles.map((role) => role.RoleName).sort()).toEqual(
      [
        'AWSServiceRoleForAutoScaling',
        'OrganizationAccountAccessRole',
        'app-deployer',
        'app-runtime',
        'break-glass',
        stackSetsExecRoleName(appProd),
      ].sort(),
    );
    const serviceLinked = roles.find((role) => role.RoleName === 'AWSServiceRoleForAutoScaling');
    expect(serviceLinked?.Path).toMatch(/^\/aws-service-role\//);
  });

  it('has the organization access role trust the management account in the aws-cn partition', async () => {
    const sandbox = stack.organization.accounts.sandbox ?? '';
    const iam = new IAMClient(await memberAccountConfig(stack, sandbox, 'iam'));
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'OrganizationAccountAccessRole' }));
    const trust = JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '{}')) as unknown;
    expect(trust).toMatchObject({
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws-cn:iam::123456789012:root' },
          Action: 'sts:AssumeRole',
        },
      ],
    });
    expect(Role?.Arn).toBe(`arn:aws-cn:iam::${sandbox}:role/OrganizationAccountAccessRole`);
  });
});
