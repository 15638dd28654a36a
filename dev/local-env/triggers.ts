/**
 * Which trigger runs which function, as serverless.yml wires them in AWS. test/unit/local-env
 * holds this table to the packaged template both ways: a function given a new event source there
 * (an SQS queue, a schedule, a bucket notification) fails that test until it is wired here.
 */
import type { FunctionName } from '#functions/permissions.ts';
import type { ObservedQueue } from '../local-aws/observe.ts';
import type { Deployment } from '../local-deployment/deployment.ts';

/** serverless.yml custom.accountWorkers: the account worker's maximum concurrency as deployed. */
export const ACCOUNT_WORKERS = 40;

/** Lambda's SQS event source mapping. */
export interface SqsTrigger {
  kind: 'sqs';
  functionName: FunctionName;
  /** Logical id of the queue in the packaged template. */
  templateQueue: string;
  /** The local deployment's queue standing for it. */
  queueOf(deployment: Deployment): ObservedQueue;
  batchSize: number;
  reportBatchItemFailures: boolean;
  /** The mapping's maximum concurrency: locally that many consumers (else the environment's number). */
  maximumConcurrency?: number;
}

/** Policy bucket notification → asynchronous invocation (through a local queue, see s3-notifications.ts). */
export interface S3NotificationTrigger {
  kind: 's3';
  functionName: FunctionName;
  /** Logical id of the bucket whose LambdaConfigurations name the function. */
  templateBucket: string;
  queueOf(deployment: Deployment): ObservedQueue;
}

/** An EventBridge schedule rule targeting the function. */
export interface ScheduleTrigger {
  kind: 'schedule';
  functionName: FunctionName;
  templateRule: string;
  /** As deployed; locally the period is an option. */
  scheduleExpression: string;
}

/** A CloudFormation custom resource (the Service Catalog product's), invoked by `launchProduct`. */
export interface CustomResourceTrigger {
  kind: 'custom-resource';
  functionName: FunctionName;
  /** The resource type in templates/scp-account-register-product.yaml. */
  resourceType: string;
}

export type LocalTrigger = SqsTrigger | S3NotificationTrigger | ScheduleTrigger | CustomResourceTrigger;

export const LOCAL_TRIGGERS: readonly LocalTrigger[] = [
  {
    kind: 's3',
    functionName: 's3-event-dispatcher',
    templateBucket: 'PolicyBucket',
    queueOf: (deployment) => deployment.policyEventQueue,
  },
  {
    kind: 'sqs',
    functionName: 'iam-event-dispatcher',
    templateQueue: 'IamEventQueue',
    queueOf: (deployment) => deployment.iamEventQueue,
    batchSize: 10,
    reportBatchItemFailures: true,
  },
  {
    kind: 'sqs',
    functionName: 'organization-event-dispatcher',
    templateQueue: 'OrganizationEventQueue',
    queueOf: (deployment) => deployment.organizationEventQueue,
    batchSize: 10,
    reportBatchItemFailures: true,
  },
  {
    kind: 'sqs',
    functionName: 'account-worker',
    templateQueue: 'AccountWorkQueue',
    queueOf: (deployment) => deployment.accountWorkQueue,
    batchSize: 10,
    reportBatchItemFailures: true,
    maximumConcurrency: ACCOUNT_WORKERS,
  },
  {
    kind: 'schedule',
    functionName: 'reconciler',
    templateRule: 'ReconcilerEventsRuleSchedule1',
    scheduleExpression: 'rate(6 hours)',
  },
  { kind: 'custom-resource', functionName: 'account-register', resourceType: 'Custom::ScpAccountRegister' },
];
