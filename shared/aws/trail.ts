import {
  CreateTrailCommand,
  DeleteTrailCommand,
  StartLoggingCommand,
  UpdateTrailCommand,
} from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, PutBucketPolicyCommand, PutPublicAccessBlockCommand } from '@aws-sdk/client-s3';
import { regionalArn, s3BucketArn } from '#policy/arn.ts';
import { isAwsError } from '#runtime/aws-errors.ts';
import type { MemberClients } from './member-clients.ts';

/**
 * The optional trail that makes IAM management events visible to EventBridge in accounts without
 * one. The log bucket is kept on teardown: it holds audit records nobody should lose silently.
 */
export interface TrailNames {
  partition: string;
  region: string;
  accountId: string;
  trailName: string;
  bucketName: string;
}

export async function ensureTrail(clients: MemberClients, names: TrailNames): Promise<void> {
  await ensureTrailBucket(clients, names);
  const trail = {
    Name: names.trailName,
    S3BucketName: names.bucketName,
    IncludeGlobalServiceEvents: true,
    IsMultiRegionTrail: false,
  };
  try {
    await clients.cloudTrail.send(new CreateTrailCommand(trail));
  } catch (error) {
    if (!isAwsError(error, 'TrailAlreadyExistsException')) throw error;
    await clients.cloudTrail.send(new UpdateTrailCommand(trail));
  }
  await clients.cloudTrail.send(new StartLoggingCommand({ Name: names.trailName }));
}

export async function removeTrail(clients: MemberClients, names: TrailNames): Promise<void> {
  try {
    await clients.cloudTrail.send(new DeleteTrailCommand({ Name: names.trailName }));
  } catch (error) {
    if (!isAwsError(error, 'TrailNotFoundException')) throw error;
  }
}

async function ensureTrailBucket(clients: MemberClients, names: TrailNames): Promise<void> {
  try {
    await clients.s3.send(
      new CreateBucketCommand({
        Bucket: names.bucketName,
        // us-east-1 is the one region that rejects an explicit location constraint.
        ...(names.region === 'us-east-1'
          ? {}
          : { CreateBucketConfiguration: { LocationConstraint: names.region as never } }),
      }),
    );
  } catch (error) {
    if (!isAwsError(error, 'BucketAlreadyOwnedByYou')) throw error;
  }
  await clients.s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: names.bucketName,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    }),
  );
  await clients.s3.send(
    new PutBucketPolicyCommand({
      Bucket: names.bucketName,
      Policy: JSON.stringify(trailBucketPolicy(names)),
    }),
  );
}

/** What CloudTrail needs to write to the bucket, restricted to our trail by aws:SourceArn. */
export function trailBucketPolicy(names: TrailNames): Record<string, unknown> {
  const bucketArn = s3BucketArn(names.partition, names.bucketName);
  const trailArn = regionalArn(
    names.partition,
    'cloudtrail',
    names.region,
    names.accountId,
    `trail/${names.trailName}`,
  );
  const cloudTrail = { Service: 'cloudtrail.amazonaws.com' };
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'CloudTrailAclCheck',
        Effect: 'Allow',
        Principal: cloudTrail,
        Action: 's3:GetBucketAcl',
        Resource: bucketArn,
        Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
      },
      {
        Sid: 'CloudTrailWrite',
        Effect: 'Allow',
        Principal: cloudTrail,
        Action: 's3:PutObject',
        Resource: `${bucketArn}/AWSLogs/${names.accountId}/*`,
        Condition: {
          StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn },
        },
      },
    ],
  };
}
