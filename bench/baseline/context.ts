/**
 * BASELINE — not scp-alt. Shared pieces of a re-implementation of the ORIGINAL system's Lambdas
 * (the Python functions of the archived SCP alternative solution), kept only so the benchmark can
 * count what the original per-event sequence cost. Never imported by shared/, functions/ or cli/.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentials } from '#dev/local-aws/types.ts';

export interface BaselineConfig {
  endpoint: string;
  region: string;
  partition: string;
  /** The Lambda's own role session (first hop). */
  functionCredentials: AwsCredentials;
  managementAccountId: string;
  managementRoleName: string;
  organizationAccessRoleName: string;
  bucket: string;
  table: string;
  policyName: string;
}

/** Clients the original created once at module load, acting as the Lambda itself. */
export interface BaselineClients {
  s3: S3Client;
  dynamodb: DynamoDBClient;
}

export function baselineClients(config: BaselineConfig): BaselineClients {
  const common = {
    endpoint: config.endpoint,
    region: config.region,
    credentials: config.functionCredentials,
  };
  return { s3: new S3Client({ ...common, forcePathStyle: true }), dynamodb: new DynamoDBClient(common) };
}

async function assume(
  config: BaselineConfig,
  credentials: AwsCredentials,
  roleArn: string,
  sessionName: string,
): Promise<AwsCredentials> {
  const sts = new STSClient({ endpoint: config.endpoint, region: config.region, credentials });
  const answer = await sts.send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName, DurationSeconds: 900 }),
  );
  const issued = answer.Credentials;
  if (!issued?.AccessKeyId || !issued.SecretAccessKey)
    throw new Error(`AssumeRole ${roleArn}: no credentials`);
  return {
    accessKeyId: issued.AccessKeyId,
    secretAccessKey: issued.SecretAccessKey,
    sessionToken: issued.SessionToken,
  };
}

/**
 * The original's path into a member account, taken afresh for every account of every event and
 * never cached: function → management role, management → member access role (returned as an STS
 * client), then one more AssumeRole of the member access role to build the IAM client.
 *
 * The third hop: the original made it with the member session (the access role assuming itself,
 * which AWS allowed implicitly before September 2022). The local stack checks trust policies as
 * AWS does today, so the same AssumeRole is made with the management session: one STS call either way.
 */
export async function memberIamAfresh(config: BaselineConfig, accountId: string): Promise<IAMClient> {
  const roleArn = (account: string, name: string) => `arn:${config.partition}:iam::${account}:role/${name}`;
  const management = await assume(
    config,
    config.functionCredentials,
    roleArn(config.managementAccountId, config.managementRoleName),
    config.managementAccountId,
  );
  const memberRole = roleArn(accountId, config.organizationAccessRoleName);
  await assume(config, management, memberRole, 'cross_mem_acct_lambda');
  const member = await assume(config, management, memberRole, accountId);
  return new IAMClient({ endpoint: config.endpoint, region: config.region, credentials: member });
}

interface Statement {
  Sid?: string;
  [element: string]: unknown;
}

/**
 * The original's boundary document: the single file's statements followed by its two fixed Deny
 * statements, every Sid overwritten with a per-file prefix, `<ACCOUNT_ID>` replaced.
 */
export function originalBoundaryDocument(
  config: BaselineConfig,
  key: string,
  fileText: string,
  accountId: string,
): string {
  const file = JSON.parse(fileText) as { Statement: Statement | Statement[] };
  const own = Array.isArray(file.Statement) ? file.Statement : [file.Statement];
  const p = config.partition;
  const exempt = {
    ArnNotLike: { 'aws:PrincipalArn': `arn:${p}:iam::*:role/${config.organizationAccessRoleName}` },
  };
  const enforced: Statement[] = [
    {
      Effect: 'Deny',
      Action: ['iam:DeleteUserPermissionsBoundary', 'iam:DeleteRolePermissionsBoundary'],
      Resource: '*',
      Condition: exempt,
    },
    {
      Effect: 'Deny',
      Action: '*',
      Resource: [
        `arn:${p}:iam::<ACCOUNT_ID>:policy/${config.policyName}`,
        `arn:${p}:events:${config.region}:<ACCOUNT_ID>:rule/scp-event-rule`,
        `arn:${p}:iam::<ACCOUNT_ID>:role/${config.organizationAccessRoleName}`,
      ],
      Condition: exempt,
    },
  ];
  const prefix = key.replace(/\W|_/g, '').slice(-5);
  const statements = [...own, ...enforced].map((statement, index) => ({
    ...statement,
    Sid: `${prefix}${index}`,
  }));
  return JSON.stringify({ Version: '2012-10-17', Statement: statements }).replaceAll(
    '<ACCOUNT_ID>',
    accountId,
  );
}
