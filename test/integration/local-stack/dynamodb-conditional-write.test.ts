import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { useLocalStack } from '#dev/local-aws/for-tests.ts';

const stack = useLocalStack({ reset: 'each' });
const dynamodb = new DynamoDBClient(stack.clientConfig('dynamodb'));
const documents = DynamoDBDocumentClient.from(dynamodb);

beforeEach(async () => {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: 'scp-alt-accounts',
      KeySchema: [{ AttributeName: 'AccountId', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'AccountId', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});

describe('DynamoDB conditional writes', () => {
  it('refuses a second create of the same record with ConditionalCheckFailedException', async () => {
    const put = () =>
      documents.send(
        new PutCommand({
          TableName: 'scp-alt-accounts',
          Item: { AccountId: '111111111111', ScpUpdateTime: '2026-01-01T00:00:00Z' },
          ConditionExpression: 'attribute_not_exists(AccountId)',
        }),
      );
    await put();
    await expect(put()).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });
});
