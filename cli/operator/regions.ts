/**
 * Region names the CLI accepts without an --endpoint-url. A made-up region otherwise fails deep in
 * the SDK (a DNS error, or an HTML page from a proxy parsed as an AWS answer), so it is refused up
 * front with the nearest real name. The list equals the AWS SDK's partition data; a unit test
 * compares the two, so an SDK upgrade that adds a region says to add it here.
 */
import { partitionOfRegion } from '#policy/partition.ts';
import { didYouMean } from '../suggest.ts';
import { SettingError } from './usage-error.ts';

export const KNOWN_REGIONS: Readonly<Record<string, readonly string[]>> = {
  aws: [
    'af-south-1',
    'ap-east-1',
    'ap-east-2',
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-northeast-3',
    'ap-south-1',
    'ap-south-2',
    'ap-southeast-1',
    'ap-southeast-2',
    'ap-southeast-3',
    'ap-southeast-4',
    'ap-southeast-5',
    'ap-southeast-6',
    'ap-southeast-7',
    'ca-central-1',
    'ca-west-1',
    'eu-central-1',
    'eu-central-2',
    'eu-north-1',
    'eu-south-1',
    'eu-south-2',
    'eu-west-1',
    'eu-west-2',
    'eu-west-3',
    'il-central-1',
    'me-central-1',
    'me-south-1',
    'me-west-1',
    'mx-central-1',
    'sa-east-1',
    'sa-west-1',
    'us-east-1',
    'us-east-2',
    'us-west-1',
    'us-west-2',
  ],
  'aws-cn': ['cn-north-1', 'cn-northwest-1'],
  'aws-eusc': ['eusc-de-east-1'],
  'aws-iso': ['us-iso-east-1', 'us-iso-west-1'],
  'aws-iso-b': ['us-isob-east-1', 'us-isob-west-1'],
  'aws-iso-e': ['eu-isoe-west-1'],
  'aws-iso-f': ['us-isof-east-1', 'us-isof-south-1'],
  'aws-us-gov': ['us-gov-east-1', 'us-gov-west-1'],
};

const ALL_REGIONS = Object.values(KNOWN_REGIONS).flat();

export function isKnownRegion(region: string): boolean {
  return ALL_REGIONS.includes(region);
}

/** Refuses a region no AWS partition has (local stacks too answer only for real region names). */
export function assertKnownRegion(region: string, source: string): void {
  if (isKnownRegion(region)) return;
  const partition = partitionOfRegion(region);
  const siblings = KNOWN_REGIONS[partition] ?? [];
  // The commercial partition has too many regions to list; its nearest name says enough.
  const listed = siblings.length <= 4 ? `; ${partition} has ${siblings.join(', ')}` : '';
  throw new SettingError(
    `unknown region '${region}' (from ${source})${didYouMean(region, ALL_REGIONS)}${listed}`,
  );
}
