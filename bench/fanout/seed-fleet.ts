/**
 * N enrolled accounts × P principals in the state enrollment leaves them in, written straight into
 * moto (no proxy latency while seeding): the organization access role, scp-enforce-policy with five
 * versions (the steady state in which every new version first prunes the oldest), P roles carrying
 * the boundary, the additional policies when the chain spills (five versions each, attached to
 * every role), and an ACTIVE account record whose hashes are what scp-alt compiles for the account.
 * The accounts exist only in IAM and the table, not in Organizations: neither the fan-out of
 * scp-alt nor the baseline's asks Organizations anything.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { itemFromRecord } from '#aws/account-store.ts';
import type { LocalStackClient } from '#dev/local-aws/stack.ts';
import { accountRootArn } from '#policy/arn.ts';
import { partitionOfRegion } from '#policy/partition.ts';
import { type AccountCompilation, compileForAccount, policySnapshot } from '#usecases/compile-account.ts';
import type { FlowContext } from '#usecases/flow-context.ts';
import type { AccountRecord } from '#usecases/ports.ts';
import { actingIn, forEachLimited, motoDirectConfig } from './moto-direct.ts';

export interface FleetSpec {
  ouPath: string[];
  accountIds: string[];
  principalsPerAccount: number;
}

const POLICY_VERSIONS = 5;
const SEED_CONCURRENCY = 8;

/** 12-digit ids no seeded organization uses: `9<group><serial>`. */
export function fleetAccountIds(group: number, count: number): string[] {
  return Array.from(
    { length: count },
    (_, index) => `9${String(group).padStart(3, '0')}${String(index).padStart(8, '0')}`,
  );
}

export async function seedFleet(stack: LocalStackClient, ctx: FlowContext, fleet: FleetSpec, table: string) {
  const snapshot = policySnapshot(ctx.ports.policyStore, ctx.now);
  const records: AccountRecord[] = [];
  await forEachLimited(fleet.accountIds, SEED_CONCURRENCY, async (accountId) => {
    const compiled = await compileForAccount(ctx, snapshot, { accountId, ouPath: fleet.ouPath });
    if (!compiled.ok) throw compiled.error;
    await seedAccountIam(stack, ctx, accountId, compiled, fleet.principalsPerAccount);
    records.push(enrolledRecord(ctx, accountId, fleet.ouPath, compiled));
  });
  await writeRecords(stack, ctx.settings.securityAccountId, table, records);
}

type Compiled = Extract<AccountCompilation, { ok: true }>;

async function seedAccountIam(
  stack: LocalStackClient,
  ctx: FlowContext,
  accountId: string,
  compiled: Compiled,
  principals: number,
) {
  const iam = actingIn(new IAMClient(motoDirectConfig(stack)), accountId);
  const partition = partitionOfRegion(stack.region);
  const trusting = (principal: Record<string, string>, action: string | string[] = 'sts:AssumeRole') =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: principal, Action: action }],
    });
  await iam.send(
    new CreateRoleCommand({
      RoleName: ctx.settings.organizationAccessRoleName,
      // Our member hop sets its source identity, which the trust must allow (as enrollment makes it).
      AssumeRolePolicyDocument: trusting(
        { AWS: accountRootArn(partition, ctx.settings.managementAccountId) },
        ['sts:AssumeRole', 'sts:SetSourceIdentity'],
      ),
    }),
  );
  const boundaryArn = await createWithVersions(iam, 'scp-enforce-policy', JSON.stringify(compiled.policy));
  const extraArns: string[] = [];
  for (const extra of compiled.additionalPolicies)
    extraArns.push(await createWithVersions(iam, extra.name, JSON.stringify(extra.policy)));
  const workloadTrust = trusting({ Service: 'ec2.amazonaws.com' });
  await forEachLimited(
    Array.from({ length: principals }, (_, index) => `workload-${index}`),
    4,
    async (roleName) => {
      await iam.send(
        new CreateRoleCommand({
          RoleName: roleName,
          AssumeRolePolicyDocument: workloadTrust,
          PermissionsBoundary: boundaryArn,
        }),
      );
      for (const PolicyArn of extraArns)
        await iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn }));
    },
  );
}

/** The policy with five identical versions, the last one default; returns its ARN. */
async function createWithVersions(iam: IAMClient, name: string, document: string): Promise<string> {
  const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: document }));
  for (let version = 2; version <= POLICY_VERSIONS; version++) {
    await iam.send(
      new CreatePolicyVersionCommand({
        PolicyArn: Policy?.Arn,
        PolicyDocument: document,
        SetAsDefault: true,
      }),
    );
  }
  return Policy?.Arn ?? '';
}

function enrolledRecord(
  ctx: FlowContext,
  accountId: string,
  ouPath: string[],
  compiled: Compiled,
): AccountRecord {
  return {
    accountId,
    managementAccountId: ctx.settings.managementAccountId,
    ouId: ouPath[ouPath.length - 1] ?? '',
    ouPath,
    customerBoundaryArns: [],
    additionalPolicies: compiled.additionalPolicies.map(({ name, hash }) => ({
      name,
      hash,
      versionId: `v${POLICY_VERSIONS}`,
    })),
    policyFileKeys: compiled.sources,
    updatedAt: new Date().toISOString(),
    compiledHash: compiled.hash,
    boundaryHash: compiled.boundaryHash,
    boundaryVersionId: `v${POLICY_VERSIONS}`,
    status: 'ACTIVE',
    lastError: undefined,
    createCloudTrail: false,
    enrolledBy: 'service-catalog',
    revision: 1,
  };
}

async function writeRecords(
  stack: LocalStackClient,
  securityAccountId: string,
  table: string,
  records: AccountRecord[],
) {
  const dynamodb = DynamoDBDocumentClient.from(
    actingIn(new DynamoDBClient(motoDirectConfig(stack)), securityAccountId),
    {
      marshallOptions: { removeUndefinedValues: true },
    },
  );
  for (let start = 0; start < records.length; start += 25) {
    const batch = records.slice(start, start + 25).map((record) => ({
      PutRequest: { Item: itemFromRecord(record) },
    }));
    const answer = await dynamodb.send(new BatchWriteCommand({ RequestItems: { [table]: batch } }));
    if (Object.keys(answer.UnprocessedItems ?? {}).length > 0)
      throw new Error('moto left account records unwritten');
  }
}
