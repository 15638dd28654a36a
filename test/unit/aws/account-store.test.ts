import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type ServiceOutputTypes as DocumentOutput, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoAccountStore } from '#aws/account-store.ts';
import { RecordConflictError } from '#shared/errors.ts';
import type { AccountRecord } from '#usecases/ports.ts';
import { awsError, type Responder, stubSdk } from '../fakes/sdk-stub.ts';

const RECORD: AccountRecord = {
  accountId: '111111111111',
  managementAccountId: '888888888888',
  ouId: 'ou-ab12-aaaaaaaa',
  ouPath: ['r-ab12', 'ou-ab12-aaaaaaaa'],
  customerBoundaryArns: [],
  policyFileKeys: ['permission-boundary-policy/ou-ab12-aaaaaaaa.json'],
  updatedAt: '2026-03-01T12:00:00.000Z',
  compiledHash: 'abc',
  boundaryVersionId: 'v2',
  boundaryHash: 'def',
  additionalPolicies: [{ name: 'scp-enforce-policy-2', versionId: 'v3', hash: 'ghi' }],
  status: 'ACTIVE',
  lastError: undefined,
  createCloudTrail: true,
  protectedTrails: ['org-audit'],
  stackId: 'arn:aws-cn:cloudformation:cn-northwest-1:999999999999:stack/SC-999999999999-pp-abc/1',
  enrolledBy: 'service-catalog',
  kind: 'member',
  revision: 3,
};

function storeWith(responders: Record<string, Responder<DocumentOutput>>) {
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'cn-northwest-1' }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  // Stub the low-level client: the document client marshals before it is reached.
  const calls = stubSdk(documents, responders);
  return {
    store: new DynamoAccountStore({ table: 'accounts', region: 'cn-northwest-1', client: documents }),
    calls,
  };
}

describe('DynamoAccountStore', () => {
  it('writes the original attribute names and guards the write with the expected revision', async () => {
    const { store, calls } = storeWith({ PutItem: () => ({}) });
    const saved = await store.save(RECORD, 3);
    expect(saved.revision).toBe(4);
    const input = calls[0]?.input as { Item: Record<string, unknown>; ConditionExpression: string };
    expect(input.Item).toMatchObject({
      AccountId: '111111111111',
      MgtId: '888888888888',
      OuId: 'ou-ab12-aaaaaaaa',
      ScpPolicyPathList: ['permission-boundary-policy/ou-ab12-aaaaaaaa.json'],
      ScpCustomPolicyList: [],
      ScpUpdateTime: '2026-03-01T12:00:00.000Z',
      Status: 'ACTIVE',
      ProtectedTrails: ['org-audit'],
      StackId: RECORD.stackId,
      Revision: 4,
      BoundaryHash: 'def',
      AdditionalPolicies: [{ Name: 'scp-enforce-policy-2', VersionId: 'v3', Hash: 'ghi' }],
    });
    expect(input.ConditionExpression).toContain('Revision = :expected');
  });

  it('creates a record only if none exists', async () => {
    const { store, calls } = storeWith({ PutItem: () => ({}) });
    await store.save({ ...RECORD, revision: 0 }, undefined);
    expect(calls[0]?.input.ConditionExpression).toBe('attribute_not_exists(AccountId)');
  });

  it('turns a failed condition into RecordConflictError', async () => {
    const { store } = storeWith({
      PutItem: () => {
        throw awsError('ConditionalCheckFailedException');
      },
    });
    await expect(store.save(RECORD, 3)).rejects.toBeInstanceOf(RecordConflictError);
  });

  it('reads an item back into the same record, and all items across scan pages', async () => {
    const item = { ...storeItem(), Revision: 3 };
    const { store } = storeWith({
      GetItem: () => ({ Item: item }),
      Scan: (input) =>
        input.ExclusiveStartKey ? { Items: [item] } : { Items: [item], LastEvaluatedKey: { AccountId: 'x' } },
    });
    expect(await store.get('111111111111')).toEqual(RECORD);
    expect(await store.listAll()).toHaveLength(2);
  });

  it('keeps a standalone account as standalone, with its external id; an item older than standalone accounts reads as a member', async () => {
    const { store } = storeWith({
      GetItem: (input) =>
        (input.Key as { AccountId?: string } | undefined)?.AccountId === '210987654321'
          ? {
              Item: {
                ...storeItem(),
                AccountId: '210987654321',
                AccountKind: 'standalone',
                ExternalId: 'partner-secret',
              },
            }
          : { Item: storeItem() },
    });
    expect(await store.get('210987654321')).toMatchObject({
      kind: 'standalone',
      externalId: 'partner-secret',
    });
    expect(await store.get('111111111111')).toMatchObject({ kind: 'member', externalId: undefined });
  });

  it('reads an item written before additional policies were deployed as having none', async () => {
    const { BoundaryHash: _hash, AdditionalPolicies: _policies, ...older } = storeItem();
    const { store } = storeWith({ GetItem: () => ({ Item: older }) });
    const record = await store.get('111111111111');
    expect(record?.additionalPolicies).toEqual([]);
    expect(record?.boundaryHash).toBeUndefined();
  });
});

function storeItem(): Record<string, unknown> {
  return {
    AccountId: RECORD.accountId,
    MgtId: RECORD.managementAccountId,
    OuId: RECORD.ouId,
    OuPath: RECORD.ouPath,
    ScpCustomPolicyList: [],
    ScpPolicyPathList: RECORD.policyFileKeys,
    ScpUpdateTime: RECORD.updatedAt,
    PolicyHash: 'abc',
    PolicyVersionId: 'v2',
    BoundaryHash: 'def',
    AdditionalPolicies: [{ Name: 'scp-enforce-policy-2', VersionId: 'v3', Hash: 'ghi' }],
    Status: 'ACTIVE',
    CreateCloudTrail: true,
    ProtectedTrails: RECORD.protectedTrails,
    StackId: RECORD.stackId,
  };
}
