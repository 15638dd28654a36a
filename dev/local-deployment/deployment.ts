/**
 * scp-alt "deployed" on a local stack: what serverless.yml and templates/management-role.yaml
 * create in AWS, made through the real APIs. Security account: policy bucket (versioned, S3
 * notifications to a queue we read events from), accounts table, failure topic (with a queue
 * subscribed, to read the messages back), event bus (routed to a queue, as in production), one
 * role per function. Management account: the management role trusting exactly those roles.
 * Shared by the handler integration tests and `make demo`; no test framework imported here.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { FUNCTION_NAMES, type FunctionName } from '#functions/permissions.ts';
import { forwardedEventPattern } from '#policy/iam-event-names.ts';
import { identityCenterEventPattern, organizationEventPattern } from '#policy/organization-event-names.ts';
import { POLICY_PREFIX } from '#policy/types.ts';
import { assumeRole, memberAccountConfig, roleArn } from '../local-aws/accounts.ts';
import {
  createQueue,
  notifyQueueOfS3Events,
  type ObservedQueue,
  routeEventsToQueue,
  subscribeQueueToTopic,
} from '../local-aws/observe.ts';
import type { SeededOrganization } from '../local-aws/seed.ts';
import type { LocalClientConfig, LocalStackClient } from '../local-aws/stack.ts';
import type { AwsCredentials } from '../local-aws/types.ts';
import { allowOurSourceIdentity } from './source-identity.ts';

export const STAGE = 'prod';
export const MANAGEMENT_ROLE_NAME = 'scp-alt-management-access';
export const WHITELIST_ROLE_NAMES = 'stacksets-exec-*';

/** Lambda execution role of a function, named as serverless.yml names it. */
export function functionRoleName(functionName: FunctionName): string {
  return `scp-alt-${STAGE}-${functionName}`;
}

/** Every function's execution role in the security account: whom the roles scp-alt assumes trust. */
export function functionRoleArns(stack: LocalStackClient, securityAccountId: string): string[] {
  return FUNCTION_NAMES.map((name) => roleArn(stack, securityAccountId, functionRoleName(name)));
}

export interface SecurityAccountClients {
  s3: S3Client;
  sqs: SQSClient;
  events: EventBridgeClient;
  dynamodb: DynamoDBClient;
}

export interface Deployment {
  organization: SeededOrganization;
  securityAccountId: string;
  bucket: string;
  table: string;
  topicArn: string;
  busArn: string;
  /** Subscribed to the failure topic: every SNS message the functions publish lands here. */
  failureQueue: ObservedQueue;
  /** S3 notifications of the policy prefix (the events S3 would send to s3-event-dispatcher). */
  policyEventQueue: ObservedQueue;
  /** Target of the bus rule, as IamEventQueue in production (input of iam-event-dispatcher). */
  iamEventQueue: ObservedQueue;
  /** Where a message goes after `maxReceiveCount` receives, as IamEventDeadLetterQueue. */
  iamEventDeadLetterQueue: ObservedQueue;
  /** Target of the Organizations rule, as OrganizationEventQueue (input of organization-event-dispatcher). */
  organizationEventQueue: ObservedQueue;
  /** AccountWorkQueue: one message per account of a large fan-out (input of account-worker). */
  accountWorkQueue: ObservedQueue;
  /** AccountWorkDeadLetterQueue: what replay re-drives. */
  accountWorkDeadLetterQueue: ObservedQueue;
  /** Acting in the security account as its administrator (through the organization access role). */
  clients: SecurityAccountClients;
  /** The functions' environment, as serverless.yml sets it. */
  environment: Record<string, string>;
}

/** Settings of the IAM event queue (templates/security/events.yml: 360 s and 5 receives). */
export interface IamEventQueueOptions {
  /** Default: moto's 30 s; AWS's is 360 (six times the function timeout). */
  visibilityTimeoutSeconds?: number;
  /** Receives before a message moves to the dead-letter queue; default 5, as deployed. */
  maxReceiveCount?: number;
}

/** templates/security/events.yml: IamEventQueue's RedrivePolicy. */
export const DEFAULT_MAX_RECEIVE_COUNT = 5;

export interface DeployOptions {
  iamEventQueue?: IamEventQueueOptions;
  /** Same settings for the account work queue (deployed: 5,400 s, 5 receives); default 5 s here. */
  accountWorkQueue?: IamEventQueueOptions;
}

/** Locally a message handed back is delivered again after this, not after the deployed 5,400 s. */
const LOCAL_ACCOUNT_WORK_VISIBILITY_SECONDS = 5;

/** Creates every resource scp-alt needs in the security and management accounts. */
export async function deployScpAlt(
  stack: LocalStackClient,
  organization: SeededOrganization,
  options: DeployOptions = {},
): Promise<Deployment> {
  const securityAccountId = organization.securityAccountId;
  const config = (service: Parameters<typeof memberAccountConfig>[2]) =>
    memberAccountConfig(stack, securityAccountId, service);
  const clients: SecurityAccountClients = {
    s3: new S3Client(await config('s3')),
    sqs: new SQSClient(await config('sqs')),
    events: new EventBridgeClient(await config('events')),
    dynamodb: new DynamoDBClient(await config('dynamodb')),
  };
  const bucket = `scp-alt-${securityAccountId}`;
  const table = `scp-alt-${STAGE}-accounts`;
  const policyEventQueue = await createPolicyBucket(stack, clients, bucket);
  await createAccountsTable(clients.dynamodb, table);
  const failures = await createFailureTopic(new SNSClient(await config('sns')), clients.sqs);
  const events = await createEventBus(clients, options.iamEventQueue ?? {});
  const accountWork = await createAccountWorkQueue(clients.sqs, options.accountWorkQueue ?? {});
  await createFunctionRoles(stack, new IAMClient(await config('iam')), securityAccountId);
  await createManagementRole(stack, organization);
  const managementRole = roleArn(stack, organization.managementAccountId, MANAGEMENT_ROLE_NAME);
  for (const accountId of Object.values(organization.accounts)) {
    if (accountId !== securityAccountId) await allowOurSourceIdentity(stack, accountId, managementRole);
  }
  return {
    organization,
    securityAccountId,
    bucket,
    table,
    topicArn: failures.topicArn,
    busArn: events.busArn,
    failureQueue: failures.queue,
    policyEventQueue,
    iamEventQueue: events.queue,
    iamEventDeadLetterQueue: events.deadLetterQueue,
    organizationEventQueue: events.organizationQueue,
    accountWorkQueue: accountWork.queue,
    accountWorkDeadLetterQueue: accountWork.deadLetterQueue,
    clients,
    environment: {
      AWS_REGION: stack.region,
      SECURITY_ACCOUNT_ID: securityAccountId,
      MANAGEMENT_ACCOUNT_ID: organization.managementAccountId,
      MANAGEMENT_ROLE_NAME,
      ORGANIZATION_ACCESS_ROLE_NAME: 'OrganizationAccountAccessRole',
      WHITELIST_ROLE_NAMES,
      POLICY_BUCKET: bucket,
      ACCOUNTS_TABLE: table,
      FAILURE_TOPIC_ARN: failures.topicArn,
      EVENT_BUS_ARN: events.busArn,
      ORGANIZATION_ID: organization.organizationId,
      REQUIRE_BOUNDARY_ON_CREATE: 'true',
      FANOUT_CONCURRENCY: '4',
      ACCOUNT_WORK_QUEUE_URL: accountWork.queue.url,
      ACCOUNT_WORK_DEAD_LETTER_QUEUE_URL: accountWork.deadLetterQueue.url,
      // What local stacks set and deployments never do: account-register may then answer at the
      // local stand-in for CloudFormation's response URL (functions/commons/cfn-origin.ts).
      AWS_ENDPOINT_URL: stack.endpoints.iam,
      AUTO_ENROLL_TARGETS: '',
      AUTO_ENROLL_MOVED_OUT: 'keep',
      AUTO_ENROLL_CREATE_CLOUDTRAIL: 'no',
    },
  };
}

async function createPolicyBucket(
  stack: LocalStackClient,
  clients: SecurityAccountClients,
  bucket: string,
): Promise<ObservedQueue> {
  await clients.s3.send(
    new CreateBucketCommand({
      Bucket: bucket,
      CreateBucketConfiguration: { LocationConstraint: stack.region as never },
    }),
  );
  await clients.s3.send(
    new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  const queue = await createQueue(clients.sqs, 'scp-alt-policy-events');
  // As templates/security/policy-store.yml filters the notification: the prefix and `.json`.
  await notifyQueueOfS3Events(clients.s3, { bucket, queue, prefix: POLICY_PREFIX, suffix: '.json' });
  return queue;
}

async function createAccountsTable(dynamodb: DynamoDBClient, table: string): Promise<void> {
  // The key schema the account store expects (templates/security/policy-store.yml).
  await dynamodb.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'AccountId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'AccountId', KeyType: 'HASH' }],
    }),
  );
}

async function createFailureTopic(
  sns: SNSClient,
  sqs: SQSClient,
): Promise<{ topicArn: string; queue: ObservedQueue }> {
  const { TopicArn = '' } = await sns.send(new CreateTopicCommand({ Name: `scp-alt-${STAGE}-failures` }));
  // Stands in for the operators' e-mail subscription.
  const queue = await createQueue(sqs, 'scp-alt-failure-inbox');
  await subscribeQueueToTopic(sns, TopicArn, queue);
  return { topicArn: TopicArn, queue };
}

async function createEventBus(
  clients: SecurityAccountClients,
  options: IamEventQueueOptions,
): Promise<{
  busArn: string;
  queue: ObservedQueue;
  deadLetterQueue: ObservedQueue;
  organizationQueue: ObservedQueue;
}> {
  const { EventBusArn = '' } = await clients.events.send(new CreateEventBusCommand({ Name: 'scp-alt-bus' }));
  const deadLetterQueue = await createQueue(clients.sqs, 'scp-alt-iam-events-dlq');
  const queue = await createQueue(clients.sqs, 'scp-alt-iam-events', {
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: deadLetterQueue.arn,
      maxReceiveCount: options.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT,
    }),
    ...(options.visibilityTimeoutSeconds === undefined
      ? {}
      : { VisibilityTimeout: String(options.visibilityTimeoutSeconds) }),
  });
  await routeEventsToQueue(clients.events, {
    ruleName: 'scp-alt-iam-events',
    eventBusName: 'scp-alt-bus',
    eventPattern: forwardedEventPattern(),
    queue,
  });
  // templates/security/events.yml OrganizationEventRule, its queue and dead-letter queue.
  const organizationDeadLetterQueue = await createQueue(clients.sqs, 'scp-alt-organization-events-dlq');
  const organizationQueue = await createQueue(clients.sqs, 'scp-alt-organization-events', {
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: organizationDeadLetterQueue.arn,
      maxReceiveCount: options.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT,
    }),
    ...(options.visibilityTimeoutSeconds === undefined
      ? {}
      : { VisibilityTimeout: String(options.visibilityTimeoutSeconds) }),
  });
  await routeEventsToQueue(clients.events, {
    ruleName: 'scp-alt-organization-events',
    eventBusName: 'scp-alt-bus',
    eventPattern: organizationEventPattern(),
    queue: organizationQueue,
  });
  await routeEventsToQueue(clients.events, {
    ruleName: 'scp-alt-identity-center-events',
    eventBusName: 'scp-alt-bus',
    eventPattern: identityCenterEventPattern(),
    queue: organizationQueue,
  });
  return { busArn: EventBusArn, queue, deadLetterQueue, organizationQueue };
}

/** templates/security/events.yml AccountWorkQueue and its dead-letter queue. */
async function createAccountWorkQueue(
  sqs: SQSClient,
  options: IamEventQueueOptions,
): Promise<{ queue: ObservedQueue; deadLetterQueue: ObservedQueue }> {
  const deadLetterQueue = await createQueue(sqs, `scp-alt-${STAGE}-account-work-dlq`);
  const queue = await createQueue(sqs, `scp-alt-${STAGE}-account-work`, {
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: deadLetterQueue.arn,
      maxReceiveCount: options.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT,
    }),
    VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? LOCAL_ACCOUNT_WORK_VISIBILITY_SECONDS),
  });
  return { queue, deadLetterQueue };
}

/**
 * In AWS the Lambda service assumes these roles. Locally the security account's administrator
 * session stands in for it, so the trust names that role next to the Lambda service principal.
 */
async function createFunctionRoles(stack: LocalStackClient, iam: IAMClient, securityAccountId: string) {
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      {
        Effect: 'Allow',
        Principal: { AWS: roleArn(stack, securityAccountId, 'OrganizationAccountAccessRole') },
        Action: 'sts:AssumeRole',
      },
    ],
  });
  for (const name of FUNCTION_NAMES) {
    await iam.send(
      new CreateRoleCommand({ RoleName: functionRoleName(name), AssumeRolePolicyDocument: trust }),
    );
  }
}

/**
 * templates/management-role.yaml: trusts exactly the function roles, inside the organization, and
 * only with a source identity of ours.
 */
async function createManagementRole(stack: LocalStackClient, organization: SeededOrganization) {
  const iam = new IAMClient(stack.clientConfig('iam'));
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TrustScpAltFunctionRoles',
        Effect: 'Allow',
        Principal: { AWS: functionRoleArns(stack, organization.securityAccountId) },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': organization.organizationId } },
      },
    ],
  });
  await iam.send(new CreateRoleCommand({ RoleName: MANAGEMENT_ROLE_NAME, AssumeRolePolicyDocument: trust }));
}

/**
 * A session of one of the security account's function roles, as Lambda obtains it for a
 * container; the security account's administrator stands in for the Lambda service.
 */
export async function functionRoleSession(
  stack: LocalStackClient,
  deployment: Deployment,
  functionRoleArn: string,
  sessionName: string,
): Promise<AwsCredentials> {
  const operator = await assumeRole(
    stack,
    roleArn(stack, deployment.securityAccountId, 'OrganizationAccountAccessRole'),
  );
  return assumeRole(stack, functionRoleArn, { as: operator, sessionName });
}

/** Client settings a function runs with: the local endpoint and its own role's session. */
export async function functionClientConfig(
  stack: LocalStackClient,
  deployment: Deployment,
  functionName: FunctionName,
): Promise<LocalClientConfig & { credentials: AwsCredentials }> {
  const credentials = await functionRoleSession(
    stack,
    deployment,
    roleArn(stack, deployment.securityAccountId, functionRoleName(functionName)),
    functionName,
  );
  return { ...stack.clientConfig(undefined, { credentials, forcePathStyle: true }), credentials };
}
