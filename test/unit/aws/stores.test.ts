import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { SnsNotifier } from '#aws/notifier.ts';
import { OrganizationAdapter } from '#aws/organization.ts';
import { S3PolicyStore } from '#aws/policy-store.ts';
import { awsError, stubSdk } from '../fakes/sdk-stub.ts';

describe('S3PolicyStore', () => {
  it('lists the current version of each object under the prefix across pages, skipping folder markers and deleted files', async () => {
    const s3 = new S3Client({ region: 'cn-northwest-1' });
    const calls = stubSdk(s3, {
      ListObjectVersions: (input) =>
        input.KeyMarker
          ? {
              Versions: [
                {
                  Key: 'permission-boundary-policy/account-111111111111.json',
                  ETag: '"b"',
                  VersionId: 'null',
                  IsLatest: true,
                },
              ],
            }
          : {
              Versions: [
                { Key: 'permission-boundary-policy/', ETag: '"0"', VersionId: 'f', IsLatest: true },
                {
                  Key: 'permission-boundary-policy/r-ab12.json',
                  ETag: '"a"',
                  VersionId: 'v2',
                  IsLatest: true,
                },
                {
                  Key: 'permission-boundary-policy/r-ab12.json',
                  ETag: '"z"',
                  VersionId: 'v1',
                  IsLatest: false,
                },
                // Deleted: its newest entry is the delete marker below.
                {
                  Key: 'permission-boundary-policy/ou-ab12-11111111.json',
                  ETag: '"d"',
                  VersionId: 'v7',
                  IsLatest: false,
                },
              ],
              DeleteMarkers: [
                { Key: 'permission-boundary-policy/ou-ab12-11111111.json', VersionId: 'v8', IsLatest: true },
              ],
              IsTruncated: true,
              NextKeyMarker: 'permission-boundary-policy/r-ab12.json',
              NextVersionIdMarker: 'v1',
            },
    });
    const store = new S3PolicyStore({ bucket: 'scp-alt-999999999999', region: 'cn-northwest-1', client: s3 });
    expect(await store.listPolicyObjects()).toEqual([
      { key: 'permission-boundary-policy/r-ab12.json', etag: '"a"', versionId: 'v2' },
      { key: 'permission-boundary-policy/account-111111111111.json', etag: '"b"' },
    ]);
    expect(calls[0]?.input).toMatchObject({
      Bucket: 'scp-alt-999999999999',
      Prefix: 'permission-boundary-policy/',
    });
    expect(calls[1]?.input).toMatchObject({
      KeyMarker: 'permission-boundary-policy/r-ab12.json',
      VersionIdMarker: 'v1',
    });
  });

  it('reads the version it is given, and treats a version deleted since as a missing file', async () => {
    const s3 = new S3Client({ region: 'cn-northwest-1' });
    const calls = stubSdk(s3, {
      GetObject: (input) => {
        if (input.VersionId === 'purged') throw awsError('NoSuchVersion');
        return { Body: { transformToString: async () => '{}' }, ETag: '"e1"', VersionId: input.VersionId };
      },
    });
    const store = new S3PolicyStore({ bucket: 'b', region: 'cn-northwest-1', client: s3 });
    expect(await store.readPolicy('k', 'v1')).toMatchObject({ body: '{}', versionId: 'v1' });
    expect(calls[0]?.input).toMatchObject({ Bucket: 'b', Key: 'k', VersionId: 'v1' });
    expect(await store.readPolicy('k', 'purged')).toBeUndefined();
  });

  it('reads body, ETag and version id; a missing object is undefined', async () => {
    const s3 = new S3Client({ region: 'cn-northwest-1' });
    stubSdk(s3, {
      GetObject: (input) => {
        if (input.Key === 'gone') throw awsError('NoSuchKey');
        return {
          Body: { transformToString: async () => '{"Version":"2012-10-17"}' },
          ETag: '"e1"',
          VersionId: 'v9',
        };
      },
    });
    const store = new S3PolicyStore({ bucket: 'b', region: 'cn-northwest-1', client: s3 });
    expect(await store.readPolicy('k')).toEqual({
      key: 'k',
      body: '{"Version":"2012-10-17"}',
      etag: '"e1"',
      versionId: 'v9',
    });
    expect(await store.readPolicy('gone')).toBeUndefined();
  });
});

describe('OrganizationAdapter', () => {
  it('walks ListParents from the account up to the root and returns root first', async () => {
    const organizations = new OrganizationsClient({ region: 'cn-northwest-1' });
    const parents: Record<string, { Id: string; Type: 'ROOT' | 'ORGANIZATIONAL_UNIT' }> = {
      '111111111111': { Id: 'ou-ab12-bbbbbbbb', Type: 'ORGANIZATIONAL_UNIT' },
      'ou-ab12-bbbbbbbb': { Id: 'ou-ab12-aaaaaaaa', Type: 'ORGANIZATIONAL_UNIT' },
      'ou-ab12-aaaaaaaa': { Id: 'r-ab12', Type: 'ROOT' },
    };
    stubSdk(organizations, {
      ListParents: (input) => ({ Parents: [parents[String(input.ChildId)]].filter((parent) => !!parent) }),
    });
    const adapter = new OrganizationAdapter({ region: 'cn-northwest-1', client: organizations });
    expect(await adapter.ouPathOf('111111111111')).toEqual([
      'r-ab12',
      'ou-ab12-aaaaaaaa',
      'ou-ab12-bbbbbbbb',
    ]);
  });
});

describe('OrganizationAdapter reads', () => {
  it('describes an account, and answers undefined for one Organizations does not know', async () => {
    const organizations = new OrganizationsClient({ region: 'cn-northwest-1' });
    stubSdk(organizations, {
      DescribeAccount: (input) => {
        if (input.AccountId === '111111111111')
          return {
            Account: {
              Id: '111111111111',
              Name: 'app',
              State: 'SUSPENDED' as const,
              Status: 'SUSPENDED' as const,
            },
          };
        throw Object.assign(new Error('no such account'), { name: 'AccountNotFoundException' });
      },
    });
    const adapter = new OrganizationAdapter({ region: 'cn-northwest-1', client: organizations });
    expect(await adapter.describeAccount('111111111111')).toEqual({
      accountId: '111111111111',
      name: 'app',
      state: 'SUSPENDED',
    });
    expect(await adapter.describeAccount('999999999999')).toBeUndefined();
  });

  it('reads the tree page by page: roots, then per parent its OUs and accounts, parents before children', async () => {
    const organizations = new OrganizationsClient({ region: 'cn-northwest-1' });
    const units: Record<string, { Id: string; Name: string }[]> = {
      'r-ab12': [{ Id: 'ou-ab12-aaaaaaaa', Name: 'Workloads' }],
      'ou-ab12-aaaaaaaa': [{ Id: 'ou-ab12-bbbbbbbb', Name: 'Prod' }],
    };
    const accounts: Record<string, string[]> = {
      'r-ab12': ['111111111111'],
      'ou-ab12-bbbbbbbb': ['222222222222', '333333333333'],
    };
    const calls = stubSdk(organizations, {
      ListRoots: () => ({ Roots: [{ Id: 'r-ab12', Name: 'Root' }] }),
      ListOrganizationalUnitsForParent: (input) => ({
        OrganizationalUnits: units[String(input.ParentId)] ?? [],
      }),
      // Two pages for the Prod OU.
      ListAccountsForParent: (input) => {
        const ids = accounts[String(input.ParentId)] ?? [];
        const page = input.NextToken ? ids.slice(1) : ids.slice(0, 1);
        return {
          Accounts: page.map((id) => ({ Id: id, Name: id, State: 'ACTIVE' as const })),
          ...(!input.NextToken && ids.length > 1 ? { NextToken: 'next' } : {}),
        };
      },
    });
    const adapter = new OrganizationAdapter({ region: 'cn-northwest-1', client: organizations });
    const tree = await adapter.readTree();
    expect(tree.units).toEqual([
      { id: 'r-ab12', name: 'Root', parentId: undefined },
      { id: 'ou-ab12-aaaaaaaa', name: 'Workloads', parentId: 'r-ab12' },
      { id: 'ou-ab12-bbbbbbbb', name: 'Prod', parentId: 'ou-ab12-aaaaaaaa' },
    ]);
    expect(tree.accounts.map((account) => [account.accountId, account.parentId])).toEqual([
      ['111111111111', 'r-ab12'],
      ['222222222222', 'ou-ab12-bbbbbbbb'],
      ['333333333333', 'ou-ab12-bbbbbbbb'],
    ]);
    // 1 ListRoots + per parent (3) one OU listing and one account listing, + 1 second page.
    expect(calls).toHaveLength(1 + 2 * 3 + 1);
  });
});

describe('SnsNotifier', () => {
  it('publishes one message whose subject fits SNS limits and whose body tells the operator what to do', async () => {
    const sns = new SNSClient({ region: 'cn-northwest-1' });
    const calls = stubSdk(sns, { Publish: () => ({ MessageId: 'm' }) });
    const notifier = new SnsNotifier({
      topicArn: 'arn:aws-cn:sns:cn-northwest-1:999999999999:scp-alt',
      region: 'x',
      client: sns,
    });
    await notifier.notify({
      code: 'POLICY_INVALID',
      step: 'validate',
      accountId: '111111111111',
      file: 'permission-boundary-policy/ou-ab12-aaaaaaaa.json',
      reason: 'Statement[0].Action: unknown action — with a very long explanation '.repeat(5),
    });
    const input = calls[0]?.input as { Subject: string; Message: string; TopicArn: string };
    expect(input.Subject.length).toBeLessThanOrEqual(100);
    expect(input.Subject).toMatch(/^[\x20-\x7e]+$/);
    expect(input.Message).toContain('File:        permission-boundary-policy/ou-ab12-aaaaaaaa.json');
    expect(input.Message).toContain('Error code:  POLICY_INVALID');
    expect(input.Message).toContain('Next action: Fix the named statement');
  });
});
