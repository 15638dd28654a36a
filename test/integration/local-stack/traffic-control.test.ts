import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateUserCommand,
  GetUserCommand,
  IAMClient,
  ListRolesCommand,
  ListUsersCommand,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { memberAccountConfig } from '#dev/local-aws/accounts.ts';
import { useLocalStack } from '#dev/local-aws/for-tests.ts';
import { seedOrganization } from '#dev/local-aws/seed.ts';

const stack = useLocalStack({ reset: 'each' });
const MANAGEMENT = '123456789012';

describe('throttling', () => {
  it('is absorbed by the SDK standard retry strategy, and every refused attempt is counted', async () => {
    // Given one call per second with a burst of one for IAM in the management account
    await stack.control.throttle({ service: 'iam', account: MANAGEMENT, ratePerSecond: 5, burst: 1 });
    const iam = new IAMClient(stack.clientConfig('iam', { maxAttempts: 10 }));
    // When three calls go out at once
    const answers = await Promise.all([1, 2, 3].map(() => iam.send(new ListRolesCommand({}))));
    // Then all succeed, after throttled attempts the proxy saw
    expect(answers).toHaveLength(3);
    const [count] = await stack.control.calls({ service: 'iam', operation: 'ListRoles' });
    expect(count?.throttled).toBeGreaterThan(0);
    expect(count?.calls).toBe(3 + (count?.throttled ?? 0));
  });

  it('surfaces Throttling when retries are off', async () => {
    await stack.control.throttle({ service: 'iam', ratePerSecond: 0, burst: 1 });
    const iam = new IAMClient(stack.clientConfig('iam', { maxAttempts: 1 }));
    await iam.send(new ListRolesCommand({}));
    await expect(iam.send(new ListRolesCommand({}))).rejects.toMatchObject({
      name: 'Throttling',
      message: 'Rate exceeded',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('keeps one bucket per account: a throttled account does not slow down another', async () => {
    const org = await seedOrganization(stack);
    const member = new IAMClient({
      ...(await memberAccountConfig(stack, org.accounts.sandbox ?? '', 'iam')),
      maxAttempts: 1,
    });
    const management = new IAMClient(stack.clientConfig('iam', { maxAttempts: 1 }));
    await stack.control.throttle({ service: 'iam', ratePerSecond: 0, burst: 1 });
    await management.send(new ListRolesCommand({}));
    await expect(management.send(new ListRolesCommand({}))).rejects.toMatchObject({ name: 'Throttling' });
    await expect(member.send(new ListRolesCommand({}))).resolves.toBeDefined();
  });
});

describe('fault injection', () => {
  it('fails the next N calls of one operation with the requested error, then lets calls through', async () => {
    const iam = new IAMClient(stack.clientConfig('iam', { maxAttempts: 1 }));
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));
    await stack.control.injectFault({
      service: 'iam',
      operation: 'GetUser',
      code: 'ServiceFailure',
      status: 500,
      count: 2,
    });
    for (const _attempt of [1, 2]) {
      await expect(iam.send(new GetUserCommand({ UserName: 'alice' }))).rejects.toMatchObject({
        name: 'ServiceFailureException',
        $metadata: { httpStatusCode: 500 },
      });
    }
    await expect(iam.send(new GetUserCommand({ UserName: 'alice' }))).resolves.toMatchObject({
      User: { UserName: 'alice' },
    });
    // Other operations were never affected
    await expect(iam.send(new ListRolesCommand({}))).resolves.toBeDefined();
  });

  it('targets one account only', async () => {
    const org = await seedOrganization(stack);
    const member = new IAMClient({
      ...(await memberAccountConfig(stack, org.accounts.sandbox ?? '', 'iam')),
      maxAttempts: 1,
    });
    const management = new IAMClient(stack.clientConfig('iam', { maxAttempts: 1 }));
    await stack.control.injectFault({
      service: 'iam',
      account: MANAGEMENT,
      code: 'ServiceFailure',
      status: 500,
      count: 1,
    });
    await expect(member.send(new ListRolesCommand({}))).resolves.toBeDefined();
    await expect(management.send(new ListRolesCommand({}))).rejects.toMatchObject({
      name: 'ServiceFailureException',
    });
  });

  it('targets the member account an AssumeRole goes into, though the management session makes it', async () => {
    const org = await seedOrganization(stack);
    const [sandbox = '', appDev = ''] = [org.accounts.sandbox, org.accounts['app-dev']];
    await stack.control.injectFault({
      service: 'sts',
      operation: 'AssumeRole',
      targetAccount: sandbox,
      code: 'AccessDenied',
      status: 403,
      count: 5,
    });
    // Both calls come from the management account: filtering by caller could not tell them apart.
    await expect(memberAccountConfig(stack, sandbox, 'iam')).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(memberAccountConfig(stack, appDev, 'iam')).resolves.toBeDefined();
    const refused = await stack.control.calls({
      service: 'sts',
      operation: 'AssumeRole',
      targetAccount: sandbox,
    });
    expect(refused).toEqual([expect.objectContaining({ account: MANAGEMENT, faulted: 1 })]);
  });

  it('speaks the JSON protocol to DynamoDB: an injected ConditionalCheckFailedException is typed', async () => {
    const dynamodb = new DynamoDBClient(stack.clientConfig('dynamodb', { maxAttempts: 1 }));
    await stack.control.injectFault({
      service: 'dynamodb',
      operation: 'PutItem',
      code: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
      message: 'The conditional request failed',
      count: 1,
    });
    const error = await dynamodb
      .send(new PutItemCommand({ TableName: 'any', Item: { AccountId: { S: '1' } } }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConditionalCheckFailedException);
  });
});

describe('fault injection beyond IAM', () => {
  it('renders an S3 fault as an S3 XML error', async () => {
    const s3 = new S3Client(stack.clientConfig('s3', { maxAttempts: 1 }));
    await s3.send(
      new CreateBucketCommand({
        Bucket: 'faulty',
        CreateBucketConfiguration: { LocationConstraint: 'cn-north-1' },
      }),
    );
    await stack.control.injectFault({
      service: 's3',
      operation: 'PutObject',
      code: 'InternalError',
      status: 500,
      count: 1,
    });
    await expect(
      s3.send(new PutObjectCommand({ Bucket: 'faulty', Key: 'a.json', Body: '{}' })),
    ).rejects.toMatchObject({
      name: 'InternalError',
      $metadata: { httpStatusCode: 500 },
    });
    await expect(
      s3.send(new PutObjectCommand({ Bucket: 'faulty', Key: 'a.json', Body: '{}' })),
    ).resolves.toBeDefined();
  });
});

describe('call counters', () => {
  it('count calls per service, operation and account', async () => {
    const iam = new IAMClient(stack.clientConfig('iam'));
    const dynamodb = new DynamoDBClient(stack.clientConfig('dynamodb'));
    await iam.send(new ListRolesCommand({}));
    await iam.send(new ListRolesCommand({}));
    await dynamodb.send(
      new CreateTableCommand({
        TableName: 'records',
        KeySchema: [{ AttributeName: 'AccountId', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'AccountId', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    expect(
      await stack.control.countCalls({ service: 'iam', operation: 'ListRoles', account: MANAGEMENT }),
    ).toBe(2);
    expect(await stack.control.countCalls({ service: 'dynamodb' })).toBe(1);
    expect(await stack.control.calls({ service: 'dynamodb' })).toEqual([
      {
        service: 'dynamodb',
        operation: 'CreateTable',
        account: MANAGEMENT,
        targetAccount: MANAGEMENT,
        arrived: 1,
        calls: 1,
        throttled: 0,
        faulted: 0,
      },
    ]);
    await stack.control.clearCalls();
    expect(await stack.control.countCalls()).toBe(0);
  });
});

describe('latency', () => {
  it('is a rule the proxy applies to matching calls, which still succeed', async () => {
    await stack.control.addLatency({ service: 'iam', operation: 'ListRoles', ms: 50 });
    const iam = new IAMClient(stack.clientConfig('iam'));
    await expect(iam.send(new ListRolesCommand({}))).resolves.toBeDefined();
    const response = await fetch(`${stack.info.control}/rules`);
    expect(await response.json()).toMatchObject({
      latencies: [{ service: 'iam', operation: 'ListRoles', ms: 50 }],
    });
  });

  it('holds a call that is already counted as arrived, and counted as a call once it is let through', async () => {
    await stack.control.clearCalls();
    await stack.control.addLatency({ service: 'iam', operation: 'ListUsers', ms: 1_000 });
    const iam = new IAMClient(stack.clientConfig('iam'));
    const held = iam.send(new ListUsersCommand({}));
    const filter = { service: 'iam', operation: 'ListUsers' };
    for (let waited = 0; waited < 900 && (await stack.control.countArrivals(filter)) === 0; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await stack.control.countArrivals(filter)).toBe(1);
    expect(await stack.control.countCalls(filter)).toBe(0);
    await held;
    expect(await stack.control.countCalls(filter)).toBe(1);
  });
});
