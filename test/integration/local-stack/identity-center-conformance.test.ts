/**
 * What the local stack adds to moto's sso-admin, as AWS behaves: provisioning a permission set to an
 * account creates its AWSReservedSSO_* role there with the permission set's boundary, fails where a
 * referenced policy is missing, and nobody but Identity Center may change or create such roles.
 */
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  GetRoleCommand,
  type IAMClient,
  ListRolesCommand,
  PutRolePermissionsBoundaryCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreatePermissionSetCommand,
  DescribePermissionSetProvisioningStatusCommand,
  GetPermissionsBoundaryForPermissionSetCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  ListInstancesCommand,
  ProvisionPermissionSetCommand,
  PutPermissionsBoundaryToPermissionSetCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { beforeEach, describe, expect, it } from 'vitest';
import { useLocalStack } from '#dev/local-aws/for-tests.ts';
import { memberIam } from '#dev/local-deployment/inspect.ts';

const stack = useLocalStack({ reset: 'each', seed: true });
const sso = new SSOAdminClient(stack.clientConfig('iam', { maxAttempts: 1 }));
const ALLOW_ALL = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
});

let instanceArn: string;
let permissionSetArn: string;
let member: string;
let iam: IAMClient;

beforeEach(async () => {
  instanceArn = (await sso.send(new ListInstancesCommand({}))).Instances?.[0]?.InstanceArn ?? '';
  const created = await sso.send(new CreatePermissionSetCommand({ InstanceArn: instanceArn, Name: 'Ops' }));
  permissionSetArn = created.PermissionSet?.PermissionSetArn ?? '';
  await sso.send(
    new PutPermissionsBoundaryToPermissionSetCommand({
      InstanceArn: instanceArn,
      PermissionSetArn: permissionSetArn,
      PermissionsBoundary: { CustomerManagedPolicyReference: { Name: 'guard', Path: '/' } },
    }),
  );
  member = stack.organization.accounts['app-dev'] ?? '';
  iam = await memberIam(stack, member);
});

async function provision() {
  const ids = { InstanceArn: instanceArn, PermissionSetArn: permissionSetArn };
  const started = await sso.send(
    new ProvisionPermissionSetCommand({ ...ids, TargetType: 'AWS_ACCOUNT', TargetId: member }),
  );
  const requestId = started.PermissionSetProvisioningStatus?.RequestId;
  const described = await sso.send(
    new DescribePermissionSetProvisioningStatusCommand({
      InstanceArn: instanceArn,
      ProvisionPermissionSetRequestId: requestId,
    }),
  );
  return described.PermissionSetProvisioningStatus;
}

async function opsRole() {
  const listed = await iam.send(new ListRolesCommand({ PathPrefix: '/aws-reserved/sso.amazonaws.com/' }));
  return listed.Roles?.find((role) => role.RoleName?.startsWith('AWSReservedSSO_Ops_'));
}

describe('provisioning a permission set with a boundary by reference', () => {
  it('fails where the referenced policy does not exist, creating no role', async () => {
    const status = await provision();
    expect(status).toMatchObject({ Status: 'FAILED', AccountId: member });
    expect(status?.FailureReason).toContain(`arn:aws-cn:iam::${member}:policy/guard`);
    expect(await opsRole()).toBeUndefined();
  });

  it('creates the role with that boundary once the policy exists, and lists the account', async () => {
    await iam.send(new CreatePolicyCommand({ PolicyName: 'guard', PolicyDocument: ALLOW_ALL }));
    expect(await provision()).toMatchObject({ Status: 'SUCCEEDED' });
    const role = await opsRole();
    expect(role?.Path).toBe('/aws-reserved/sso.amazonaws.com/');
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: role?.RoleName }));
    expect(Role?.PermissionsBoundary?.PermissionsBoundaryArn).toBe(`arn:aws-cn:iam::${member}:policy/guard`);
    const ids = { InstanceArn: instanceArn, PermissionSetArn: permissionSetArn };
    expect((await sso.send(new ListAccountsForProvisionedPermissionSetCommand(ids))).AccountIds).toEqual([
      member,
    ]);
    expect(
      (await sso.send(new GetPermissionsBoundaryForPermissionSetCommand(ids))).PermissionsBoundary,
    ).toEqual({ CustomerManagedPolicyReference: { Name: 'guard', Path: '/' } });
  });
});

describe('roles only Identity Center may change', () => {
  it('refuses boundary, trust, attachment and deletion changes to a provisioned role with UnmodifiableEntity', async () => {
    await iam.send(new CreatePolicyCommand({ PolicyName: 'guard', PolicyDocument: ALLOW_ALL }));
    await provision();
    const RoleName = (await opsRole())?.RoleName ?? '';
    const refused = { name: 'UnmodifiableEntityException' };
    const policyArn = `arn:aws-cn:iam::${member}:policy/guard`;
    await expect(
      iam.send(new PutRolePermissionsBoundaryCommand({ RoleName, PermissionsBoundary: policyArn })),
    ).rejects.toMatchObject(refused);
    await expect(
      iam.send(new UpdateAssumeRolePolicyCommand({ RoleName, PolicyDocument: ALLOW_ALL })),
    ).rejects.toMatchObject(refused);
    await expect(
      iam.send(new AttachRolePolicyCommand({ RoleName, PolicyArn: policyArn })),
    ).rejects.toMatchObject(refused);
    await expect(iam.send(new DeleteRoleCommand({ RoleName }))).rejects.toMatchObject(refused);
  });

  it('refuses to create a role under /aws-reserved/, whoever asks', async () => {
    await expect(
      iam.send(
        new CreateRoleCommand({
          RoleName: 'AWSReservedSSO_Squat_0123456789abcdef',
          Path: '/aws-reserved/sso.amazonaws.com/',
          AssumeRolePolicyDocument: ALLOW_ALL,
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});
