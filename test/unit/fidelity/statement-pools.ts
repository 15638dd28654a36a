/**
 * The pools the fidelity generators draw from: actions, resources and conditions as SCP authors
 * write them, entries no catalog action matches, and long perimeter exemption lists.
 */
import fc from 'fast-check';
import type { PolicyStatement } from '#policy/types.ts';
import { PARTITION } from './request-pool.ts';

const P = PARTITION;
export const ALLOW_ACTIONS = [
  's3:*',
  's3:Get*',
  's3:List*',
  's3:PutObject',
  'ec2:*',
  'ec2:Describe*',
  'ec2:*Instances',
  'iam:Get*',
  'iam:List*',
  'iam:PassRole',
  'sts:*',
  'kms:*',
  'kms:Decrypt',
  'dynamodb:*',
  'dynamodb:GetItem',
  'lambda:*',
  'sqs:*',
  'sns:Publish',
  'logs:*',
  'cloudtrail:LookupEvents',
  'cloudwatch:*',
  'ssm:Get*',
  'secretsmanager:GetSecretValue',
  'rds:*',
  'events:*',
  'organizations:Describe*',
  'config:*',
  'guardduty:*',
  'iam:*',
];
export const DENY_ACTIONS = [
  's3:DeleteBucket',
  's3:PutBucketPolicy',
  's3:Delete*',
  'ec2:TerminateInstances',
  'ec2:DeleteVpc',
  'ec2:*Vpc',
  'iam:DeleteRole',
  'iam:CreateAccessKey',
  'iam:*User',
  'organizations:LeaveOrganization',
  'cloudtrail:StopLogging',
  'cloudtrail:DeleteTrail',
  'kms:ScheduleKeyDeletion',
  'guardduty:DeleteDetector',
  'config:StopConfigurationRecorder',
  'rds:Delete*',
  'dynamodb:DeleteTable',
  'lambda:DeleteFunction',
  'sqs:DeleteQueue',
  'logs:DeleteLogGroup',
  'events:DeleteRule',
  'ec2:RunInstances',
  's3:PutBucketPublicAccessBlock',
];
export const GLOBAL_SERVICE_ACTIONS = [
  'iam:*',
  'organizations:*',
  'sts:*',
  'cloudfront:*',
  'support:*',
  's3:ListAllMyBuckets',
  'kms:*',
];
export const RESOURCES = [
  `arn:${P}:s3:::data-lake/*`,
  `arn:${P}:s3:::data-lake`,
  `arn:${P}:s3:::logs-<ACCOUNT_ID>/*`,
  `arn:${P}:ec2:cn-north-1:<ACCOUNT_ID>:instance/*`,
  `arn:${P}:ec2:*:<ACCOUNT_ID>:*`,
  `arn:${P}:iam::<ACCOUNT_ID>:role/App`,
  `arn:${P}:iam::<ACCOUNT_ID>:role/service/*`,
  `arn:${P}:iam::*:user/*`,
  `arn:${P}:dynamodb:*:<ACCOUNT_ID>:table/Orders`,
  `arn:${P}:kms:*:<ACCOUNT_ID>:key/*`,
  `arn:${P}:cloudtrail:*:<ACCOUNT_ID>:trail/audit-*`,
  `arn:${P}:lambda:cn-north-1:<ACCOUNT_ID>:function:*`,
  `arn:${P}:sqs:*:<ACCOUNT_ID>:orders-*`,
  `arn:${P}:rds:cn-north-1:<ACCOUNT_ID>:db:*`,
];

export type Condition = NonNullable<PolicyStatement['Condition']>;
export const CONDITIONS: Condition[] = [
  { StringNotEquals: { 'aws:RequestedRegion': ['cn-north-1', 'cn-northwest-1'] } },
  { StringNotEqualsIfExists: { 'aws:RequestedRegion': 'cn-north-1' } },
  { StringEquals: { 'aws:PrincipalTag/team': 'red' } },
  { StringNotLike: { 'aws:PrincipalArn': [`arn:${P}:iam::<ACCOUNT_ID>:role/stacksets-exec-*`] } },
  { ArnNotLike: { 'aws:PrincipalArn': `arn:${P}:iam::*:role/Developer` } },
  { Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
  { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
  { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['secret', 'owner'] } },
  { 'ForAllValues:StringLike': { 'aws:TagKeys': ['env', 'team*'] } },
  { Null: { 'aws:RequestTag/env': 'true' } },
  { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] } },
  { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
  { StringEquals: { 'aws:PrincipalAccount': '<ACCOUNT_ID>' } },
  { StringLike: { 'aws:ResourceTag/env': 'prod*' } },
  { NumericGreaterThan: { 'aws:MultiFactorAuthAge': '3600' } },
  { DateGreaterThan: { 'aws:CurrentTime': '2025-01-01T00:00:00Z' } },
  {
    StringNotEquals: { 'aws:RequestedRegion': 'cn-north-1' },
    StringLike: { 'aws:PrincipalArn': `arn:${P}:iam::*:user/*` },
  },
];

/** Entries that match no action of the catalog, as published SCPs still carry them. */
export const UNMATCHED_ACTIONS = [
  'macie:*',
  'elastic-inference:*',
  'awsbillingconsole:*',
  's3:Delete*PublicAccessBlock',
];
export const ROOT_ONLY: Condition = { ArnLike: { 'aws:PrincipalArn': 'arn:*:iam::*:root' } };
/** Principals a perimeter deny exempts: long lists, so that a few such denies outgrow the boundary. */
export const PERIMETER_ROLES = Array.from(
  { length: 24 },
  (_, index) => `arn:${P}:iam::<ACCOUNT_ID>:role/platform/automation-pipeline-role-${index + 1}`,
);

export const some = (pool: string[], max = 3) =>
  fc
    .subarray(pool, { minLength: 1, maxLength: max })
    .map((items) => (items.length === 1 ? (items[0] as string) : items));
export const condition = fc.constantFrom(...CONDITIONS);
export const maybeCondition = fc.option(condition, { freq: 2, nil: undefined });

export function withCondition(statement: PolicyStatement, block: Condition | undefined): PolicyStatement {
  return block ? { ...statement, Condition: block } : statement;
}
