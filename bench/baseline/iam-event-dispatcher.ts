/**
 * BASELINE — not scp-alt. Re-implementation of the ORIGINAL iam-event-dispatcher's sequence for
 * one CreateUser/CreateRole event, call for call, so the benchmark can count it:
 *   DynamoDB GetItem (account record) → S3 HeadObject account file, then OU file →
 *   DynamoDB GetItem (+ UpdateItem the first time) of ScpPolicyPathList → S3 GetObject →
 *   3 × STS AssumeRole → GetPolicy, ListPolicyVersions, DeletePolicyVersion (at five versions),
 *   CreatePolicyVersion → GetRole twice → PutRolePermissionsBoundary unless already set →
 *   DynamoDB UpdateItem ScpUpdateTime.
 * Customer boundaries (merged into the customer's policy by the original) are out of scope here.
 */
import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  GetRoleCommand,
  GetUserCommand,
  type IAMClient,
  PutRolePermissionsBoundaryCommand,
  PutUserPermissionsBoundaryCommand,
} from '@aws-sdk/client-iam';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { POLICY_PREFIX } from '#policy/types.ts';
import {
  type BaselineClients,
  type BaselineConfig,
  baselineClients,
  memberIamAfresh,
  originalBoundaryDocument,
} from './context.ts';
import { publishBoundaryAsOriginal } from './publish-policy.ts';

export interface BaselinePrincipalEvent {
  accountId: string;
  eventName: 'CreateRole' | 'CreateUser';
  principalName: string;
}

export type BaselineEventHandler = (event: BaselinePrincipalEvent) => Promise<void>;

export function makeBaselineIamEventHandler(config: BaselineConfig): BaselineEventHandler {
  const clients = baselineClients(config);
  return async (event) => {
    const record = await readAccountRecord(clients, config, event.accountId);
    for (const key of await existingPolicyKeys(clients, config, event.accountId, record.ouId)) {
      await appendPolicyPath(clients, config, event.accountId, key);
      const object = await clients.s3.send(new GetObjectCommand({ Bucket: config.bucket, Key: key }));
      const text = (await object.Body?.transformToString('utf-8')) ?? '';
      const iam = await memberIamAfresh(config, event.accountId);
      const policyArn = `arn:${config.partition}:iam::${event.accountId}:policy/${config.policyName}`;
      const document = originalBoundaryDocument(config, key, text, event.accountId);
      await publishBoundaryAsOriginal(iam, policyArn, config.policyName, document);
      await bindPrincipal(iam, config, event, policyArn);
      await setUpdateTime(clients, config, event.accountId);
    }
  };
}

async function readAccountRecord(clients: BaselineClients, config: BaselineConfig, accountId: string) {
  const answer = await clients.dynamodb.send(
    new GetItemCommand({ TableName: config.table, Key: { AccountId: { S: accountId } } }),
  );
  return {
    ouId: answer.Item?.OuId?.S ?? '',
    policyPaths: answer.Item?.ScpPolicyPathList?.L?.map((entry) => entry.S ?? '') ?? [],
  };
}

/** The account file when it exists, else the OU file: one HeadObject each, as the original. */
async function existingPolicyKeys(
  clients: BaselineClients,
  config: BaselineConfig,
  accountId: string,
  ouId: string,
): Promise<string[]> {
  for (const key of [`${POLICY_PREFIX}account-${accountId}.json`, `${POLICY_PREFIX}${ouId}.json`]) {
    try {
      await clients.s3.send(new HeadObjectCommand({ Bucket: config.bucket, Key: key }));
      return [key];
    } catch {
      // The original treated any failure as "does not exist" and tried the next level.
    }
  }
  throw new Error(`baseline: no policy file for account ${accountId} or OU ${ouId}`);
}

async function appendPolicyPath(
  clients: BaselineClients,
  config: BaselineConfig,
  accountId: string,
  key: string,
) {
  const record = await readAccountRecord(clients, config, accountId);
  if (record.policyPaths.includes(key)) return;
  await clients.dynamodb.send(
    new UpdateItemCommand({
      TableName: config.table,
      Key: { AccountId: { S: accountId } },
      UpdateExpression: 'SET ScpPolicyPathList = :paths',
      ExpressionAttributeValues: {
        ':paths': { L: [...record.policyPaths, key].map((path) => ({ S: path })) },
      },
    }),
  );
}

/** GetRole/GetUser twice (whitelist check, then boundary read), then attach when none is set. */
async function bindPrincipal(
  iam: IAMClient,
  config: BaselineConfig,
  event: BaselinePrincipalEvent,
  policyArn: string,
): Promise<void> {
  const name = event.principalName;
  const read = async () =>
    event.eventName === 'CreateRole'
      ? (await iam.send(new GetRoleCommand({ RoleName: name }))).Role
      : (await iam.send(new GetUserCommand({ UserName: name }))).User;
  const first = await read();
  const serviceLinked = first?.Path?.startsWith('/aws-service-role/') ?? false;
  if (name === config.organizationAccessRoleName || serviceLinked) return;
  const current = (await read())?.PermissionsBoundary?.PermissionsBoundaryArn;
  if (current) return;
  if (event.eventName === 'CreateRole') {
    await iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: name, PermissionsBoundary: policyArn }));
  } else {
    await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: name, PermissionsBoundary: policyArn }));
  }
}

export async function setUpdateTime(clients: BaselineClients, config: BaselineConfig, accountId: string) {
  await clients.dynamodb.send(
    new UpdateItemCommand({
      TableName: config.table,
      Key: { AccountId: { S: accountId } },
      UpdateExpression: 'SET ScpUpdateTime = :now',
      ExpressionAttributeValues: { ':now': { S: new Date().toUTCString() } },
    }),
  );
}
