import { parseArn } from './arn.ts';

/** Partition facts. Nothing else in the code base names a partition or its regions. */
export interface PartitionInfo {
  partition: string;
  /** Region where IAM (a global service) delivers its CloudTrail events to EventBridge. */
  iamEventsRegion: string;
  /** Region of the Organizations endpoint. */
  organizationsRegion: string;
  /** DNS suffix of the partition's endpoints (amazonaws.com, amazonaws.com.cn). */
  dnsSuffix: string;
}

const PARTITIONS: Record<string, PartitionInfo> = {
  aws: {
    partition: 'aws',
    iamEventsRegion: 'us-east-1',
    organizationsRegion: 'us-east-1',
    dnsSuffix: 'amazonaws.com',
  },
  'aws-cn': {
    partition: 'aws-cn',
    iamEventsRegion: 'cn-north-1',
    organizationsRegion: 'cn-northwest-1',
    dnsSuffix: 'amazonaws.com.cn',
  },
  'aws-us-gov': {
    partition: 'aws-us-gov',
    iamEventsRegion: 'us-gov-west-1',
    organizationsRegion: 'us-gov-west-1',
    dnsSuffix: 'amazonaws.com',
  },
};

export function partitionInfo(partition: string): PartitionInfo {
  const info = PARTITIONS[partition];
  if (!info)
    throw new Error(`unknown partition '${partition}' (known: ${Object.keys(PARTITIONS).join(', ')})`);
  return info;
}

/** Partition of a region name: cn-* → aws-cn, us-gov-* → aws-us-gov, else aws. */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** Partition from an ARN such as a Lambda function's own ARN. */
export function partitionOfArn(arn: string): string {
  const parts = parseArn(arn);
  if (!parts) throw new Error(`not an ARN: '${arn}'`);
  return parts.partition;
}
