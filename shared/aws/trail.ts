import {
  CreateTrailCommand,
  DeleteTrailCommand,
  DescribeTrailsCommand,
  GetTrailStatusCommand,
  StartLoggingCommand,
  UpdateTrailCommand,
} from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, PutBucketPolicyCommand, PutPublicAccessBlockCommand } from '@aws-sdk/client-s3';
import { regionalArn, s3BucketArn } from '#policy/arn.ts';
import { isAwsError } from '#runtime/aws-errors.ts';
import { ScpAltError } from '#shared/errors.ts';
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
    if (isAwsError(error, 'BucketAlreadyExists')) {
      // Bucket names are global: someone else (anyone, in any account) owns this one, and CloudTrail
      // would deliver the account's logs to them if it were ever used.
      throw new ScpAltError(
        'TRAIL_BUCKET_TAKEN',
        `account ${names.accountId}: the trail bucket name ${names.bucketName} belongs to another account, so trail ${names.trailName} cannot be created`,
        { cause: error },
      );
    }
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

/**
 * With CreateCloudTrail off, a trail the customer named must be what makes IAM calls visible to
 * EventBridge: one of the named trails has to be seen, and logging, in the IAM events region (a
 * multi-region trail is seen there as a shadow trail). Otherwise forwarding would never fire.
 */
export async function checkNamedTrails(
  clients: MemberClients,
  where: { accountId: string; region: string },
  named: readonly string[],
): Promise<void> {
  const { trailList = [] } = await clients.cloudTrail.send(
    new DescribeTrailsCommand({ includeShadowTrails: true }),
  );
  const visible = trailList.filter((trail) =>
    named.some((name) => name === trail.Name || name === trail.TrailARN),
  );
  for (const trail of visible) {
    const status = await clients.cloudTrail.send(
      new GetTrailStatusCommand({ Name: trail.TrailARN ?? trail.Name }),
    );
    if (status.IsLogging) return;
  }
  const seen = visible.map((trail) => trail.Name).join(', ');
  throw new ScpAltError(
    'TRAIL_NOT_USABLE',
    `account ${where.accountId}: no trail named ${named.join(', ')} logs in ${where.region}` +
      (seen ? ` (${seen} found, not logging)` : ' (none found there)') +
      '; EventBridge would see no IAM events of the account',
  );
}
