/**
 * BASELINE — not scp-alt. Re-implementation of the ORIGINAL s3-event-dispatcher's sequence for
 * one OU file change: DynamoDB Scan for the accounts registered under that OU, S3 GetObject, then
 * one account after another: 3 × STS AssumeRole, GetPolicy, ListPolicyVersions,
 * DeletePolicyVersion (at five versions), CreatePolicyVersion, DynamoDB Query of the custom
 * boundaries, DynamoDB UpdateItem ScpUpdateTime. That is 2 + 9·N calls for N accounts in the steady
 * state, every account written whether or not its content changed.
 */
import { QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import {
  type BaselineConfig,
  baselineClients,
  memberIamAfresh,
  originalBoundaryDocument,
} from './context.ts';
import { setUpdateTime } from './iam-event-dispatcher.ts';
import { publishBoundaryAsOriginal } from './publish-policy.ts';

export interface BaselineFanoutResult {
  /** Accounts the Scan found under the OU. */
  accounts: number;
  /** Accounts actually written. */
  applied: number;
}

/** `onlyFirst` stops after that many accounts (the benchmark extrapolates the rest, and says so). */
export type BaselineFanout = (ouId: string, key: string, onlyFirst?: number) => Promise<BaselineFanoutResult>;

export function makeBaselineFanout(config: BaselineConfig): BaselineFanout {
  const clients = baselineClients(config);
  return async (ouId, key, onlyFirst) => {
    // One Scan, no pagination: the original read only the first page.
    const scanned = await clients.dynamodb.send(
      new ScanCommand({
        TableName: config.table,
        ProjectionExpression: 'AccountId',
        FilterExpression: 'MgtId = :mgt AND OuId = :ou',
        ExpressionAttributeValues: { ':mgt': { S: config.managementAccountId }, ':ou': { S: ouId } },
      }),
    );
    const found = (scanned.Items ?? []).map((item) => item.AccountId?.S ?? '');
    const accountIds = found.slice(0, onlyFirst ?? found.length);
    const object = await clients.s3.send(new GetObjectCommand({ Bucket: config.bucket, Key: key }));
    const text = (await object.Body?.transformToString('utf-8')) ?? '';
    for (const accountId of accountIds) {
      const iam = await memberIamAfresh(config, accountId);
      const policyArn = `arn:${config.partition}:iam::${accountId}:policy/${config.policyName}`;
      const document = originalBoundaryDocument(config, key, text, accountId);
      await publishBoundaryAsOriginal(iam, policyArn, config.policyName, document);
      await clients.dynamodb.send(
        new QueryCommand({
          TableName: config.table,
          ProjectionExpression: 'ScpCustomPolicyList',
          KeyConditionExpression: 'AccountId = :id',
          ExpressionAttributeValues: { ':id': { S: accountId } },
        }),
      );
      await setUpdateTime(clients, config, accountId);
    }
    return { accounts: found.length, applied: accountIds.length };
  };
}
