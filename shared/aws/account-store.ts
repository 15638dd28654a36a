import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { isAwsError } from '#runtime/aws-errors.ts';
import { RecordConflictError } from '#shared/errors.ts';
import type { AccountRecord, AccountStorePort } from '#usecases/ports.ts';
import { type AdapterClientOptions, clientConfigFor } from './client-config.ts';

export interface AccountStoreOptions extends AdapterClientOptions<DynamoDBDocumentClient> {
  table: string;
  region: string;
}

/** Item shape: the original system's attribute names, plus what the operator needs. */
const ItemSchema = z.object({
  AccountId: z.string(),
  MgtId: z.string().default(''),
  OuId: z.string().default(''),
  OuPath: z.array(z.string()).default([]),
  ScpCustomPolicyList: z.array(z.string()).default([]),
  ScpPolicyPathList: z.array(z.string()).default([]),
  ScpUpdateTime: z.string().default(''),
  PolicyHash: z.string().optional(),
  PolicyVersionId: z.string().optional(),
  BoundaryHash: z.string().optional(),
  AdditionalPolicies: z
    .array(z.object({ Name: z.string(), VersionId: z.string(), Hash: z.string() }))
    .default([]),
  Status: z.enum(['ENROLLING', 'ACTIVE', 'FAILED', 'DEREGISTERING', 'UNREACHABLE']).default('ACTIVE'),
  LastError: z.string().optional(),
  CreateCloudTrail: z.boolean().default(false),
  ProtectedTrails: z.array(z.string()).default([]),
  StackId: z.string().optional(),
  // Before owners were recorded, enrollment came from the product or the CLI: neither is the auto
  // path, and service-catalog is the owner the auto path never deregisters.
  EnrolledBy: z.enum(['service-catalog', 'cli', 'auto']).default('service-catalog'),
  AccountKind: z.enum(['member', 'standalone']).default('member'),
  ExternalId: z.string().optional(),
  Revision: z.number().int().default(0),
  WriteLeaseOwner: z.string().optional(),
  WriteLeaseUntil: z.number().optional(),
  AppliedListedAt: z.number().optional(),
});
type Item = z.infer<typeof ItemSchema>;

/** The table also holds the organization view (organization-view-store.ts) under a key that is no account id. */
function isAccountItem(item: Record<string, unknown>): boolean {
  return typeof item.AccountId === 'string' && /^\d{12}$/.test(item.AccountId);
}

export function recordFromItem(raw: unknown): AccountRecord {
  const item = ItemSchema.parse(raw);
  return {
    accountId: item.AccountId,
    managementAccountId: item.MgtId,
    ouId: item.OuId,
    ouPath: item.OuPath,
    customerBoundaryArns: item.ScpCustomPolicyList,
    policyFileKeys: item.ScpPolicyPathList,
    updatedAt: item.ScpUpdateTime,
    compiledHash: item.PolicyHash,
    boundaryVersionId: item.PolicyVersionId,
    boundaryHash: item.BoundaryHash,
    additionalPolicies: item.AdditionalPolicies.map((policy) => ({
      name: policy.Name,
      versionId: policy.VersionId,
      hash: policy.Hash,
    })),
    status: item.Status,
    lastError: item.LastError,
    createCloudTrail: item.CreateCloudTrail,
    protectedTrails: item.ProtectedTrails,
    stackId: item.StackId,
    enrolledBy: item.EnrolledBy,
    kind: item.AccountKind,
    externalId: item.ExternalId,
    revision: item.Revision,
    writeLease:
      item.WriteLeaseOwner !== undefined && item.WriteLeaseUntil !== undefined
        ? { owner: item.WriteLeaseOwner, untilMs: item.WriteLeaseUntil }
        : undefined,
    appliedListedAtMs: item.AppliedListedAt,
  };
}

export function itemFromRecord(record: AccountRecord): Item {
  return {
    AccountId: record.accountId,
    MgtId: record.managementAccountId,
    OuId: record.ouId,
    OuPath: record.ouPath,
    ScpCustomPolicyList: record.customerBoundaryArns,
    ScpPolicyPathList: record.policyFileKeys,
    ScpUpdateTime: record.updatedAt,
    PolicyHash: record.compiledHash,
    PolicyVersionId: record.boundaryVersionId,
    BoundaryHash: record.boundaryHash,
    AdditionalPolicies: record.additionalPolicies.map((policy) => ({
      Name: policy.name,
      VersionId: policy.versionId,
      Hash: policy.hash,
    })),
    Status: record.status,
    LastError: record.lastError,
    CreateCloudTrail: record.createCloudTrail,
    ProtectedTrails: record.protectedTrails ?? [],
    StackId: record.stackId,
    EnrolledBy: record.enrolledBy,
    AccountKind: record.kind ?? 'member',
    ExternalId: record.externalId,
    Revision: record.revision,
    WriteLeaseOwner: record.writeLease?.owner,
    WriteLeaseUntil: record.writeLease?.untilMs,
    AppliedListedAt: record.appliedListedAtMs,
  };
}

export class DynamoAccountStore implements AccountStorePort {
  private readonly documents: DynamoDBDocumentClient;

  constructor(private readonly options: AccountStoreOptions) {
    this.documents =
      options.client ??
      DynamoDBDocumentClient.from(new DynamoDBClient(clientConfigFor(options.region, options.clientConfig)), {
        marshallOptions: { removeUndefinedValues: true },
      });
  }

  async get(accountId: string): Promise<AccountRecord | undefined> {
    const output = await this.documents.send(
      new GetCommand({ TableName: this.options.table, Key: { AccountId: accountId }, ConsistentRead: true }),
    );
    return output.Item ? recordFromItem(output.Item) : undefined;
  }

  async save(record: AccountRecord, expectedRevision: number | undefined): Promise<AccountRecord> {
    const saved = { ...record, revision: (expectedRevision ?? 0) + 1 };
    const condition =
      expectedRevision === undefined
        ? { ConditionExpression: 'attribute_not_exists(AccountId)' }
        : {
            // Items written before revisions existed have no Revision attribute; they count as 0.
            ConditionExpression:
              expectedRevision === 0
                ? 'attribute_exists(AccountId) AND (attribute_not_exists(Revision) OR Revision = :expected)'
                : 'attribute_exists(AccountId) AND Revision = :expected',
            ExpressionAttributeValues: { ':expected': expectedRevision },
          };
    try {
      await this.documents.send(
        new PutCommand({ TableName: this.options.table, Item: itemFromRecord(saved), ...condition }),
      );
      return saved;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || isAwsError(error, 'ConditionalCheckFailed')) {
        throw new RecordConflictError(record.accountId, error);
      }
      throw error;
    }
  }

  async delete(accountId: string): Promise<void> {
    await this.documents.send(
      new DeleteCommand({ TableName: this.options.table, Key: { AccountId: accountId } }),
    );
  }

  async listAll(): Promise<AccountRecord[]> {
    const records: AccountRecord[] = [];
    for await (const page of paginateScan(
      { client: this.documents },
      { TableName: this.options.table, ConsistentRead: true },
    )) {
      for (const item of page.Items ?? []) if (isAccountItem(item)) records.push(recordFromItem(item));
    }
    return records;
  }
}
