import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateServiceLinkedRoleCommand,
  CreateUserCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteUserPermissionsBoundaryCommand,
  DetachRolePolicyCommand,
  GetPolicyCommand,
  GetRoleCommand,
  GetUserCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListEntitiesForPolicyCommand,
  PutRolePermissionsBoundaryCommand,
  PutUserPermissionsBoundaryCommand,
  paginateListRoles,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { useLocalStack } from '#dev/local-aws/for-tests.ts';

const stack = useLocalStack({ reset: 'each' });
// SDK v3 classes IAM's LimitExceeded as a throttling error and retries it with backoff; one attempt
// keeps these tests fast and shows the error as IAM sent it.
const iam = new IAMClient(stack.clientConfig('iam', { maxAttempts: 1 }));

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: 'arn:aws-cn:iam::123456789012:root' }, Action: 'sts:AssumeRole' },
  ],
});

function policyDocument(actionCount = 1): string {
  const actions = Array.from(
    { length: actionCount },
    (_, index) => `s3:Action${String(index).padStart(4, '0')}`,
  );
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Deny', Action: actions, Resource: '*' }],
  });
}

async function createPolicy(name = 'scp-enforce-policy'): Promise<string> {
  const answer = await iam.send(
    new CreatePolicyCommand({ PolicyName: name, PolicyDocument: policyDocument() }),
  );
  return answer.Policy?.Arn ?? '';
}

describe('IAM managed policy limits', () => {
  it('refuses a sixth policy version with LimitExceeded', async () => {
    const arn = await createPolicy();
    for (let version = 2; version <= 5; version++) {
      await iam.send(
        new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: policyDocument(version) }),
      );
    }
    await expect(
      iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: policyDocument(6) })),
    ).rejects.toMatchObject({ name: 'LimitExceededException' });
  });

  it('counts the 6,144 size limit without whitespace', async () => {
    // 6,144 non-whitespace characters exactly, padded with whitespace that IAM does not count
    const base = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Action: 's3:x', Resource: '*', Sid: '' }],
    });
    const atLimit = base.replace('"Sid":""', `"Sid":"${'a'.repeat(6144 - base.length)}"`);
    expect(atLimit.length).toBe(6144);
    const padded = atLimit.replaceAll(',', ',\n      ');
    await iam.send(new CreatePolicyCommand({ PolicyName: 'at-limit', PolicyDocument: padded }));

    const overLimit = atLimit.replace('"Sid":"', '"Sid":"b');
    const error = await iam
      .send(new CreatePolicyCommand({ PolicyName: 'over-limit', PolicyDocument: overLimit }))
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      name: 'LimitExceededException',
      message: 'Cannot exceed quota for PolicySize: 6144',
      $metadata: { httpStatusCode: 409 },
    });
  });

  it('applies the size limit to new policy versions too', async () => {
    const arn = await createPolicy();
    await expect(
      iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: policyDocument(400) })),
    ).rejects.toMatchObject({ name: 'LimitExceededException' });
  });

  it('refuses a document that is not a policy with MalformedPolicyDocument', async () => {
    await expect(
      iam.send(new CreatePolicyCommand({ PolicyName: 'broken', PolicyDocument: '{"Version":"2012-10-17"}' })),
    ).rejects.toMatchObject({ name: 'MalformedPolicyDocumentException' });
  });
});

describe('deleting a policy that is still in use', () => {
  it('is a DeleteConflict while attached to a role, allowed once detached', async () => {
    const arn = await createPolicy();
    await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: TRUST }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: arn }));
    await expect(iam.send(new DeletePolicyCommand({ PolicyArn: arn }))).rejects.toMatchObject({
      name: 'DeleteConflictException',
      $metadata: { httpStatusCode: 409 },
    });
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'app', PolicyArn: arn }));
    await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
  });

  it('is a DeleteConflict while it is the permissions boundary of a role', async () => {
    const arn = await createPolicy();
    await iam.send(
      new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: TRUST, PermissionsBoundary: arn }),
    );
    await expect(iam.send(new DeletePolicyCommand({ PolicyArn: arn }))).rejects.toMatchObject({
      name: 'DeleteConflictException',
    });
    await iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: 'app' }));
    await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
  });

  it('is a DeleteConflict while it is the permissions boundary of a user', async () => {
    const arn = await createPolicy();
    await iam.send(new CreateUserCommand({ UserName: 'alice', PermissionsBoundary: arn }));
    await expect(iam.send(new DeletePolicyCommand({ PolicyArn: arn }))).rejects.toMatchObject({
      name: 'DeleteConflictException',
    });
  });

  it('is a DeleteConflict while non-default versions remain', async () => {
    const arn = await createPolicy();
    await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: policyDocument(2) }));
    await expect(iam.send(new DeletePolicyCommand({ PolicyArn: arn }))).rejects.toMatchObject({
      name: 'DeleteConflictException',
    });
    await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' }));
    await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
  });
});

describe('managed policies attached to a user or role', () => {
  async function policies(count: number): Promise<string[]> {
    const arns: string[] = [];
    for (let index = 0; index < count; index++) arns.push(await createPolicy(`customer-${index}`));
    return arns;
  }

  it('refuses an eleventh attached policy on a role with LimitExceeded, as IAM does', async () => {
    const [eleventh, ...ten] = await policies(11);
    await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: TRUST }));
    for (const arn of ten) await iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: arn }));

    const error = await iam
      .send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: eleventh }))
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({
      name: 'LimitExceededException',
      message: 'Cannot exceed quota for PoliciesPerRole: 10',
      $metadata: { httpStatusCode: 409 },
    });
    const { AttachedPolicies } = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'app' }));
    expect(AttachedPolicies).toHaveLength(10);
  });

  it('refuses an eleventh attached policy on a user too', async () => {
    const [eleventh, ...ten] = await policies(11);
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));
    for (const arn of ten) await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: arn }));
    await expect(
      iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: eleventh })),
    ).rejects.toMatchObject({
      name: 'LimitExceededException',
      message: 'Cannot exceed quota for PoliciesPerUser: 10',
    });
  });

  it('does not count a policy attached twice twice: one detach frees it for deletion', async () => {
    const [arn = ''] = await policies(1);
    await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: TRUST }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: arn }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: arn }));
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.AttachmentCount).toBe(1);
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'app', PolicyArn: arn }));
    await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
  });

  it('lists who holds a policy, users and roles, and answers NoSuchEntity for a missing policy', async () => {
    const [arn = ''] = await policies(1);
    await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: TRUST }));
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: arn }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: arn }));
    const holders = await iam.send(
      new ListEntitiesForPolicyCommand({ PolicyArn: arn, PolicyUsageFilter: 'PermissionsPolicy' }),
    );
    expect(holders.PolicyRoles?.map((role) => role.RoleName)).toEqual(['app']);
    expect(holders.PolicyUsers?.map((user) => user.UserName)).toEqual(['alice']);
    await expect(
      iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: `${arn}-missing` })),
    ).rejects.toMatchObject({ name: 'NoSuchEntityException' });
  });
});

describe('user permission boundaries (emulated: moto lacks them)', () => {
  it('shows a boundary set at creation, replaced, and removed', async () => {
    const first = await createPolicy('first');
    const second = await createPolicy('second');
    await iam.send(new CreateUserCommand({ UserName: 'alice', PermissionsBoundary: first }));
    const created = await iam.send(new GetUserCommand({ UserName: 'alice' }));
    expect(created.User?.PermissionsBoundary?.PermissionsBoundaryArn).toBe(first);

    await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'alice', PermissionsBoundary: second }));
    const replaced = await iam.send(new GetUserCommand({ UserName: 'alice' }));
    expect(replaced.User?.PermissionsBoundary?.PermissionsBoundaryArn).toBe(second);

    await iam.send(new DeleteUserPermissionsBoundaryCommand({ UserName: 'alice' }));
    const removed = await iam.send(new GetUserCommand({ UserName: 'alice' }));
    expect(removed.User?.PermissionsBoundary).toBeUndefined();
  });

  it('answers NoSuchEntity for a missing user or a missing boundary policy', async () => {
    const arn = await createPolicy();
    await expect(
      iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'nobody', PermissionsBoundary: arn })),
    ).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));
    await expect(
      iam.send(
        new PutUserPermissionsBoundaryCommand({ UserName: 'alice', PermissionsBoundary: `${arn}-missing` }),
      ),
    ).rejects.toMatchObject({ name: 'NoSuchEntityException' });
  });
});

describe('IAM errors a caller must handle', () => {
  it('answers NoSuchEntity for a missing role and EntityAlreadyExists for a duplicate', async () => {
    await expect(iam.send(new GetRoleCommand({ RoleName: 'ghost' }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
      $metadata: { httpStatusCode: 404 },
    });
    await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: TRUST }));
    await expect(
      iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: TRUST })),
    ).rejects.toMatchObject({ name: 'EntityAlreadyExistsException', $metadata: { httpStatusCode: 409 } });
  });

  it('refuses a boundary on a service-linked role with UnmodifiableEntity', async () => {
    const arn = await createPolicy();
    const { Role } = await iam.send(
      new CreateServiceLinkedRoleCommand({ AWSServiceName: 'autoscaling.amazonaws.com' }),
    );
    expect(Role?.Path).toBe('/aws-service-role/autoscaling.amazonaws.com/');
    await expect(
      iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: Role?.RoleName, PermissionsBoundary: arn })),
    ).rejects.toMatchObject({ name: 'UnmodifiableEntityException' });
  });
});

describe('listing more roles than one page holds', () => {
  it('returns every role through paginateListRoles with small pages', async () => {
    const names = Array.from({ length: 105 }, (_, index) => `role-${String(index).padStart(3, '0')}`);
    for (const name of names)
      await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST }));
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListRoles({ client: iam, pageSize: 20 }, {})) {
      pages += 1;
      seen.push(...(page.Roles ?? []).map((role) => role.RoleName ?? ''));
    }
    expect(pages).toBe(6);
    expect(seen.sort()).toEqual(names);
  });
});
