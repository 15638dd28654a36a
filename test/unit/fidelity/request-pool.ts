/**
 * Real actions and resources for the fidelity requests, in member account 111122223333 (aws-cn).
 * Requests that the protective statements act on (boundary edits, CreateUser/CreateRole, our policy,
 * the protected roles, rule, trail and bucket) are left to the bypass suite: there the boundary is
 * meant to differ from the native chain.
 */
export const PARTITION = 'aws-cn';
export const ACCOUNT_ID = '111122223333';
export const REGIONS = ['cn-north-1', 'cn-northwest-1', 'us-east-1', 'eu-west-1'];

const A = ACCOUNT_ID;
const arn = (service: string, region: string, resource: string, account = A) =>
  `arn:${PARTITION}:${service}:${region}:${account}:${resource}`;

/** Action → resources it can be requested on ('*' for actions without resource types). */
export const ACTION_RESOURCES: Record<string, string[]> = {
  's3:GetObject': [
    `arn:${PARTITION}:s3:::data-lake/raw/2026/a.parquet`,
    `arn:${PARTITION}:s3:::public-site/index.html`,
  ],
  's3:PutObject': [`arn:${PARTITION}:s3:::data-lake/raw/x.json`, `arn:${PARTITION}:s3:::logs-${A}/app/1.log`],
  's3:DeleteObject': [`arn:${PARTITION}:s3:::data-lake/raw/x.json`],
  's3:ListBucket': [`arn:${PARTITION}:s3:::data-lake`, `arn:${PARTITION}:s3:::public-site`],
  's3:CreateBucket': [`arn:${PARTITION}:s3:::new-bucket-${A}`],
  's3:PutBucketPolicy': [`arn:${PARTITION}:s3:::public-site`],
  's3:DeleteBucket': [`arn:${PARTITION}:s3:::data-lake`],
  's3:ListAllMyBuckets': ['*'],
  's3:PutBucketPublicAccessBlock': [`arn:${PARTITION}:s3:::public-site`],
  'ec2:RunInstances': [
    arn('ec2', 'cn-north-1', 'instance/i-0abc'),
    arn('ec2', 'us-east-1', 'instance/i-0def'),
  ],
  'ec2:TerminateInstances': [arn('ec2', 'cn-northwest-1', 'instance/i-0abc')],
  'ec2:StartInstances': [arn('ec2', 'cn-north-1', 'instance/i-0abc')],
  'ec2:StopInstances': [arn('ec2', 'eu-west-1', 'instance/i-0fff')],
  'ec2:DescribeInstances': ['*'],
  'ec2:CreateVpc': [arn('ec2', 'cn-north-1', 'vpc/vpc-1234')],
  'ec2:DeleteVpc': [arn('ec2', 'cn-northwest-1', 'vpc/vpc-1234')],
  'ec2:CreateSecurityGroup': [arn('ec2', 'cn-north-1', 'security-group/sg-1')],
  'ec2:AuthorizeSecurityGroupIngress': [arn('ec2', 'cn-north-1', 'security-group/sg-1')],
  'ec2:CreateTags': [arn('ec2', 'cn-north-1', 'instance/i-0abc')],
  'iam:GetRole': [`arn:${PARTITION}:iam::${A}:role/App`],
  'iam:ListRoles': ['*'],
  'iam:DeleteRole': [`arn:${PARTITION}:iam::${A}:role/App`],
  'iam:AttachRolePolicy': [`arn:${PARTITION}:iam::${A}:role/App`],
  'iam:PassRole': [`arn:${PARTITION}:iam::${A}:role/App`, `arn:${PARTITION}:iam::${A}:role/service/Batch`],
  'iam:CreateAccessKey': [`arn:${PARTITION}:iam::${A}:user/alice`],
  'iam:DeleteUser': [`arn:${PARTITION}:iam::${A}:user/bob`],
  'iam:GetUser': [`arn:${PARTITION}:iam::${A}:user/alice`],
  'iam:CreatePolicy': [`arn:${PARTITION}:iam::${A}:policy/CustomerPolicy`],
  'iam:TagRole': [`arn:${PARTITION}:iam::${A}:role/App`],
  'sts:AssumeRole': [`arn:${PARTITION}:iam::${A}:role/App`],
  'sts:GetSessionToken': ['*'],
  'kms:CreateKey': ['*'],
  'kms:ListKeys': ['*'],
  'kms:Decrypt': [arn('kms', 'cn-north-1', 'key/1234abcd-12ab-34cd-56ef-1234567890ab')],
  'kms:ScheduleKeyDeletion': [arn('kms', 'cn-northwest-1', 'key/1234abcd-12ab-34cd-56ef-1234567890ab')],
  'organizations:LeaveOrganization': ['*'],
  'organizations:DescribeOrganization': ['*'],
  'cloudtrail:StopLogging': [arn('cloudtrail', 'cn-north-1', 'trail/audit-trail')],
  'cloudtrail:DeleteTrail': [arn('cloudtrail', 'cn-northwest-1', 'trail/audit-trail')],
  'cloudtrail:LookupEvents': ['*'],
  'dynamodb:GetItem': [arn('dynamodb', 'cn-north-1', 'table/Orders')],
  'dynamodb:PutItem': [arn('dynamodb', 'cn-northwest-1', 'table/Orders')],
  'dynamodb:DeleteTable': [arn('dynamodb', 'cn-north-1', 'table/Audit')],
  'dynamodb:Query': [arn('dynamodb', 'us-east-1', 'table/Orders')],
  'lambda:InvokeFunction': [arn('lambda', 'cn-north-1', 'function:report')],
  'lambda:CreateFunction': [arn('lambda', 'cn-northwest-1', 'function:new')],
  'lambda:DeleteFunction': [arn('lambda', 'cn-north-1', 'function:report')],
  'sqs:SendMessage': [arn('sqs', 'cn-north-1', 'orders-queue')],
  'sqs:DeleteQueue': [arn('sqs', 'cn-northwest-1', 'orders-queue')],
  'sns:Publish': [arn('sns', 'cn-north-1', 'alerts')],
  'sns:DeleteTopic': [arn('sns', 'cn-north-1', 'alerts')],
  'logs:PutLogEvents': [arn('logs', 'cn-north-1', 'log-group:app:log-stream:s1')],
  'logs:DeleteLogGroup': [arn('logs', 'cn-north-1', 'log-group:app')],
  'events:PutRule': [arn('events', 'cn-north-1', 'rule/nightly')],
  'events:DeleteRule': [arn('events', 'cn-northwest-1', 'rule/nightly')],
  'config:StopConfigurationRecorder': ['*'],
  'guardduty:DeleteDetector': [arn('guardduty', 'cn-north-1', 'detector/abc123')],
  'rds:DeleteDBInstance': [arn('rds', 'cn-north-1', 'db:orders')],
  'rds:CreateDBInstance': [arn('rds', 'cn-northwest-1', 'db:orders')],
  'secretsmanager:GetSecretValue': [arn('secretsmanager', 'cn-north-1', 'secret:db-AbCdEf')],
  'cloudwatch:PutMetricData': ['*'],
  'ssm:GetParameter': [arn('ssm', 'cn-north-1', 'parameter/app/db')],
};

/** Principals of the member account: users, roles and role sessions (never the exempt role). */
export const PRINCIPALS: { arn: string; principalArn: string; username?: string }[] = [
  {
    arn: `arn:${PARTITION}:iam::${A}:user/alice`,
    principalArn: `arn:${PARTITION}:iam::${A}:user/alice`,
    username: 'alice',
  },
  {
    arn: `arn:${PARTITION}:iam::${A}:user/ops/bob`,
    principalArn: `arn:${PARTITION}:iam::${A}:user/ops/bob`,
    username: 'bob',
  },
  {
    arn: `arn:${PARTITION}:sts::${A}:assumed-role/Developer/dev-session`,
    principalArn: `arn:${PARTITION}:iam::${A}:role/Developer`,
  },
  {
    arn: `arn:${PARTITION}:sts::${A}:assumed-role/stacksets-exec-1/deploy`,
    principalArn: `arn:${PARTITION}:iam::${A}:role/stacksets-exec-1`,
  },
];
