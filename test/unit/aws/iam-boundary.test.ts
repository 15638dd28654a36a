import { IAMClient, type ServiceOutputTypes as IamOutput } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { BoundaryIamAdapter } from '#aws/iam-boundary.ts';
import type { PolicyDocument } from '#policy/types.ts';
import { awsError, type Responder, stubSdk } from '../fakes/sdk-stub.ts';

/** An IAM policy variable as a policy spells it, e.g. ${aws:username}. */
const policyVariable = (name: string) => `\${${name}}`;

const ACCOUNT = '111111111111';
const POLICY_ARN = `arn:aws-cn:iam::${ACCOUNT}:policy/scp-enforce-policy`;
const DOCUMENT: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }],
};

function adapterWith(responders: Record<string, Responder<IamOutput>>) {
  const client = new IAMClient({ region: 'cn-north-1' });
  const calls = stubSdk(client, responders);
  const adapter = new BoundaryIamAdapter({
    iamClientFor: () => client,
    partition: 'aws-cn',
    policyName: 'scp-enforce-policy',
    retry: { sleep: async () => undefined },
  });
  return { adapter, calls };
}

const CREATED = new Date('2026-01-01T00:00:00Z');

const version = (id: string, isDefault: boolean, day: number) => ({
  VersionId: id,
  IsDefaultVersion: isDefault,
  CreateDate: new Date(`2026-01-0${day}T00:00:00Z`),
});

describe('BoundaryIamAdapter', () => {
  it('Given no policy yet, When the boundary is written, Then it is created in the partition of the deployment', async () => {
    const { adapter, calls } = adapterWith({
      ListPolicyVersions: () => {
        throw awsError('NoSuchEntityException');
      },
      CreatePolicy: () => ({ Policy: { DefaultVersionId: 'v1' } }),
    });
    const written = await adapter.writeBoundaryPolicy(ACCOUNT, DOCUMENT);
    expect(written).toEqual({ policyArn: POLICY_ARN, versionId: 'v1' });
    expect(calls.map((call) => call.command)).toEqual(['ListPolicyVersions', 'CreatePolicy']);
    expect(JSON.parse(String(calls[1]?.input.PolicyDocument))).toEqual(DOCUMENT);
  });

  it('Given five versions, When the boundary is written, Then the oldest non-default one is deleted first', async () => {
    const { adapter, calls } = adapterWith({
      ListPolicyVersions: () => ({
        Versions: [
          version('v5', false, 5),
          version('v2', true, 2),
          version('v1', false, 1),
          version('v3', false, 3),
          version('v4', false, 4),
        ],
      }),
      DeletePolicyVersion: () => ({}),
      CreatePolicyVersion: () => ({ PolicyVersion: { VersionId: 'v6' } }),
    });
    const written = await adapter.writeBoundaryPolicy(ACCOUNT, DOCUMENT);
    expect(written.versionId).toBe('v6');
    expect(calls.map((call) => call.command)).toEqual([
      'ListPolicyVersions',
      'DeletePolicyVersion',
      'CreatePolicyVersion',
    ]);
    expect(calls[1]?.input.VersionId).toBe('v1');
    expect(calls[2]?.input.SetAsDefault).toBe(true);
  });

  describe('Given the last default version is known', () => {
    const commandsOf = (calls: { command: string; input: Record<string, unknown> }[]) =>
      calls.map((call) => `${call.command}${call.input.VersionId ? ` ${call.input.VersionId}` : ''}`);

    it('When v7 was the default, Then v3 is pruned and one version added without listing', async () => {
      const { adapter, calls } = adapterWith({
        DeletePolicyVersion: () => ({}),
        CreatePolicyVersion: () => ({ PolicyVersion: { VersionId: 'v8' } }),
      });
      const written = await adapter.writeBoundaryPolicy(ACCOUNT, DOCUMENT, { lastVersionId: 'v7' });
      expect(written).toEqual({ policyArn: POLICY_ARN, versionId: 'v8' });
      expect(commandsOf(calls)).toEqual(['DeletePolicyVersion v3', 'CreatePolicyVersion']);
      expect(calls[1]?.input.SetAsDefault).toBe(true);
    });

    it('When fewer than five versions can exist, Then nothing is pruned', async () => {
      const { adapter, calls } = adapterWith({
        CreatePolicyVersion: () => ({ PolicyVersion: { VersionId: 'v3' } }),
      });
      await adapter.writeBoundaryPolicy(ACCOUNT, DOCUMENT, { lastVersionId: 'v2' });
      expect(commandsOf(calls)).toEqual(['CreatePolicyVersion']);
    });

    it('When the guessed version is already gone, Then the write goes on', async () => {
      const { adapter, calls } = adapterWith({
        DeletePolicyVersion: () => {
          throw awsError('NoSuchEntityException');
        },
        CreatePolicyVersion: () => ({ PolicyVersion: { VersionId: 'v10' } }),
      });
      const written = await adapter.writeBoundaryPolicy(ACCOUNT, DOCUMENT, { lastVersionId: 'v9' });
      expect(written.versionId).toBe('v10');
      expect(commandsOf(calls)).toEqual(['DeletePolicyVersion v5', 'CreatePolicyVersion']);
    });

    it('When five other versions exist, Then the refused write falls back to listing and pruning the oldest', async () => {
      let creates = 0;
      const { adapter, calls } = adapterWith({
        DeletePolicyVersion: () => ({}),
        CreatePolicyVersion: () => {
          creates++;
          if (creates === 1) throw awsError('LimitExceededException');
          return { PolicyVersion: { VersionId: 'v12' } };
        },
        ListPolicyVersions: () => ({
          Versions: [
            version('v7', true, 7),
            version('v8', false, 8),
            version('v9', false, 9),
            version('v10', false, 6),
            version('v11', false, 9),
          ],
        }),
      });
      const written = await adapter.writeBoundaryPolicy(ACCOUNT, DOCUMENT, { lastVersionId: 'v7' });
      expect(written.versionId).toBe('v12');
      expect(commandsOf(calls)).toEqual([
        'DeletePolicyVersion v3',
        'CreatePolicyVersion',
        'ListPolicyVersions',
        'DeletePolicyVersion v10',
        'CreatePolicyVersion',
      ]);
    });

    it('When the guessed version is the default (rolled back), Then it is kept and the listing path decides', async () => {
      const { adapter, calls } = adapterWith({
        DeletePolicyVersion: (input) => {
          if (input.VersionId === 'v4') throw awsError('DeleteConflictException');
          return {};
        },
        ListPolicyVersions: () => ({
          Versions: [
            version('v4', true, 4),
            version('v5', false, 5),
            version('v6', false, 6),
            version('v7', false, 7),
            version('v8', false, 8),
          ],
        }),
        CreatePolicyVersion: () => ({ PolicyVersion: { VersionId: 'v9' } }),
      });
      await adapter.writeBoundaryPolicy(ACCOUNT, DOCUMENT, { lastVersionId: 'v8' });
      expect(commandsOf(calls)).toEqual([
        'DeletePolicyVersion v4',
        'ListPolicyVersions',
        'DeletePolicyVersion v5',
        'CreatePolicyVersion',
      ]);
    });

    it('When the policy is gone, Then it is created again', async () => {
      const { adapter, calls } = adapterWith({
        DeletePolicyVersion: () => {
          throw awsError('NoSuchEntityException');
        },
        CreatePolicyVersion: () => {
          throw awsError('NoSuchEntityException');
        },
        ListPolicyVersions: () => {
          throw awsError('NoSuchEntityException');
        },
        CreatePolicy: () => ({ Policy: { DefaultVersionId: 'v1' } }),
      });
      const written = await adapter.writeBoundaryPolicy(ACCOUNT, DOCUMENT, { lastVersionId: 'v6' });
      expect(written.versionId).toBe('v1');
      expect(commandsOf(calls)).toEqual([
        'DeletePolicyVersion v2',
        'CreatePolicyVersion',
        'ListPolicyVersions',
        'CreatePolicy',
      ]);
    });
  });

  it('reads the default version and decodes the URL-encoded document IAM returns', async () => {
    const { adapter } = adapterWith({
      GetPolicy: () => ({ Policy: { DefaultVersionId: 'v3' } }),
      GetPolicyVersion: (input) => {
        expect(input.VersionId).toBe('v3');
        return { PolicyVersion: { Document: encodeURIComponent(JSON.stringify(DOCUMENT)) } };
      },
    });
    expect(await adapter.readBoundaryPolicy(ACCOUNT)).toEqual({
      policyArn: POLICY_ARN,
      versionId: 'v3',
      document: DOCUMENT,
    });
  });

  it('keeps a customer policy in its 2008-10-17 language and turns a single Statement object into a list', async () => {
    const written2008 = {
      Version: '2008-10-17',
      Statement: {
        Effect: 'Allow',
        Action: 's3:*',
        Resource: `arn:aws-cn:s3:::home/${policyVariable('aws:username')}/*`,
      },
    };
    const { adapter } = adapterWith({
      GetPolicy: () => ({ Policy: { DefaultVersionId: 'v1' } }),
      GetPolicyVersion: () => ({
        PolicyVersion: { Document: encodeURIComponent(JSON.stringify(written2008)) },
      }),
    });
    expect(await adapter.readManagedPolicy(ACCOUNT, `arn:aws-cn:iam::${ACCOUNT}:policy/Team`)).toEqual({
      Version: '2008-10-17',
      Statement: [written2008.Statement],
    });
  });

  it('refuses, naming the policy, a document that is not a policy instead of passing it on', async () => {
    const { adapter } = adapterWith({
      GetPolicy: () => ({ Policy: { DefaultVersionId: 'v1' } }),
      GetPolicyVersion: () => ({
        PolicyVersion: {
          Document: encodeURIComponent('{"Version":"2012-10-17","Statement":[{"Effect":"Maybe"}]}'),
        },
      }),
    });
    await expect(adapter.readBoundaryPolicy(ACCOUNT)).rejects.toMatchObject({
      code: 'AWS_CALL_FAILED',
      message: expect.stringContaining(POLICY_ARN),
    });
  });

  it('lists users and roles across pages', async () => {
    const { adapter, calls } = adapterWith({
      ListUsers: (input) =>
        input.Marker
          ? {
              Users: [
                { UserName: 'bob', UserId: 'AIDABOB', Arn: 'arn:u:bob', Path: '/', CreateDate: CREATED },
              ],
            }
          : {
              Users: [
                {
                  UserName: 'alice',
                  UserId: 'AIDAALICE',
                  Arn: 'arn:u:alice',
                  Path: '/',
                  CreateDate: CREATED,
                },
              ],
              IsTruncated: true,
              Marker: 'm1',
            },
      ListRoles: () => ({
        Roles: [
          { RoleName: 'app', RoleId: 'AROAAPP', Arn: 'arn:r:app', Path: '/team/', CreateDate: CREATED },
        ],
      }),
    });
    const principals = await adapter.listPrincipals(ACCOUNT);
    expect(principals.map((p) => `${p.kind}/${p.name}${p.path}`)).toEqual([
      'user/alice/',
      'user/bob/',
      'role/app/team/',
    ]);
    expect(calls.map((call) => call.command)).toEqual(['ListUsers', 'ListUsers', 'ListRoles']);
  });

  it('retries reading a role IAM does not show yet until it appears', async () => {
    let attempts = 0;
    const { adapter } = adapterWith({
      GetRole: () => {
        attempts++;
        if (attempts < 3) throw awsError('NoSuchEntityException');
        return {
          Role: {
            RoleName: 'new',
            RoleId: 'AROANEW',
            Arn: 'arn:r:new',
            Path: '/',
            CreateDate: CREATED,
            PermissionsBoundary: { PermissionsBoundaryArn: POLICY_ARN },
          },
        };
      },
    });
    const state = await adapter.readPrincipal(ACCOUNT, { kind: 'role', name: 'new' });
    expect(state?.boundaryArn).toBe(POLICY_ARN);
    expect(attempts).toBe(3);
  });

  it('reports a principal that never appears as missing instead of failing', async () => {
    const { adapter } = adapterWith({
      GetUser: () => {
        throw awsError('NoSuchEntityException');
      },
    });
    expect(await adapter.readPrincipal(ACCOUNT, { kind: 'user', name: 'gone' })).toBeUndefined();
  });

  it('deletes non-default versions before the policy, and treats a missing policy as done', async () => {
    const { adapter, calls } = adapterWith({
      ListPolicyVersions: () => ({ Versions: [version('v1', false, 1), version('v2', true, 2)] }),
      DeletePolicyVersion: () => ({}),
      DeletePolicy: () => ({}),
    });
    await adapter.deleteBoundaryPolicy(ACCOUNT);
    expect(
      calls.map((call) => `${call.command}${call.input.VersionId ? ` ${call.input.VersionId}` : ''}`),
    ).toEqual(['ListPolicyVersions', 'DeletePolicyVersion v1', 'DeletePolicy']);
    const missing = adapterWith({
      ListPolicyVersions: () => {
        throw awsError('NoSuchEntityException');
      },
    });
    await expect(missing.adapter.deleteBoundaryPolicy(ACCOUNT)).resolves.toBeUndefined();
  });

  it('attaches with the Put*PermissionsBoundary call of the principal kind', async () => {
    const { adapter, calls } = adapterWith({
      PutRolePermissionsBoundary: () => ({}),
      PutUserPermissionsBoundary: () => ({}),
    });
    await adapter.attachBoundary(ACCOUNT, { kind: 'role', name: 'app' }, POLICY_ARN);
    await adapter.attachBoundary(ACCOUNT, { kind: 'user', name: 'alice' }, POLICY_ARN);
    expect(calls).toEqual([
      { command: 'PutRolePermissionsBoundary', input: { RoleName: 'app', PermissionsBoundary: POLICY_ARN } },
      {
        command: 'PutUserPermissionsBoundary',
        input: { UserName: 'alice', PermissionsBoundary: POLICY_ARN },
      },
    ]);
  });
});

describe('BoundaryIamAdapter, additional policies', () => {
  const EXTRA = `${POLICY_ARN}-2`;

  it('Given a role at its attachment quota, When a policy is attached, Then the answer is quota-full at once, not an error to retry', async () => {
    const { adapter, calls } = adapterWith({
      AttachRolePolicy: () => {
        throw awsError('LimitExceededException', 'Cannot exceed quota for PoliciesPerRole: 10');
      },
    });
    await expect(adapter.attachPolicy(ACCOUNT, { kind: 'role', name: 'app' }, EXTRA)).resolves.toBe(
      'quota-full',
    );
    expect(calls.map((call) => call.command)).toEqual(['AttachRolePolicy']);
  });

  it('attaches to users with AttachUserPolicy, naming the policy', async () => {
    const { adapter, calls } = adapterWith({ AttachUserPolicy: () => ({}) });
    await expect(adapter.attachPolicy(ACCOUNT, { kind: 'user', name: 'alice' }, EXTRA)).resolves.toBe(
      'attached',
    );
    expect(calls[0]?.input).toEqual({ UserName: 'alice', PolicyArn: EXTRA });
  });

  it('lists users, roles and groups holding a policy across pages, and nobody for a missing policy', async () => {
    const { adapter } = adapterWith({
      ListEntitiesForPolicy: (input) =>
        input.Marker
          ? { PolicyGroups: [{ GroupName: 'ops' }], IsTruncated: false }
          : {
              PolicyRoles: [{ RoleName: 'app' }],
              PolicyUsers: [{ UserName: 'alice' }],
              IsTruncated: true,
              Marker: 'next',
            },
    });
    expect(await adapter.listPolicyHolders(ACCOUNT, EXTRA)).toEqual([
      { kind: 'user', name: 'alice' },
      { kind: 'role', name: 'app' },
      { kind: 'group', name: 'ops' },
    ]);
    const missing = adapterWith({
      ListEntitiesForPolicy: () => {
        throw awsError('NoSuchEntityException');
      },
    });
    expect(await missing.adapter.listPolicyHolders(ACCOUNT, EXTRA)).toBeUndefined();
  });

  it('counts a detach of a policy no longer attached as done', async () => {
    const { adapter } = adapterWith({
      DetachGroupPolicy: () => {
        throw awsError('NoSuchEntityException');
      },
    });
    await expect(
      adapter.detachPolicy(ACCOUNT, { kind: 'group', name: 'ops' }, EXTRA),
    ).resolves.toBeUndefined();
  });

  it('describes an additional policy as such when it creates one', async () => {
    const { adapter, calls } = adapterWith({
      ListPolicyVersions: () => {
        throw awsError('NoSuchEntityException');
      },
      CreatePolicy: () => ({ Policy: { DefaultVersionId: 'v1' } }),
    });
    await adapter.writeBoundaryPolicy(ACCOUNT, DOCUMENT, { policyName: 'scp-enforce-policy-2' });
    expect(calls[1]?.input.Description).toBe(
      'scp-alt: Deny statements of this account that do not fit in scp-enforce-policy',
    );
  });
});
