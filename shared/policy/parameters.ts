/**
 * Boundary parameters with their defaults, and the ARNs built from them. Every ARN takes its
 * partition from the parameters: nothing here knows which partition we run in.
 */
import { partitionInfo } from './partition.ts';
import type { BoundaryParameters } from './types.ts';

export type BoundaryParameterOverrides = Pick<BoundaryParameters, 'partition' | 'accountId'> &
  Partial<Omit<BoundaryParameters, 'partition' | 'accountId'>>;

/** Fills the default names of the seed (scp-enforce-policy, scp-event-rule, scp-trail, ...). */
export function defaultBoundaryParameters(overrides: BoundaryParameterOverrides): BoundaryParameters {
  return {
    eventsRegion: partitionInfo(overrides.partition).iamEventsRegion,
    organizationAccessRoleName: 'OrganizationAccountAccessRole',
    automationRoleArns: [],
    whitelistRoleNames: [],
    policyName: 'scp-enforce-policy',
    eventRuleName: 'scp-event-rule',
    eventRoleName: 'scp-event-rule',
    trailName: 'scp-trail',
    trailBucketName: `scp-trail-bucket-${overrides.accountId}`,
    protectedTrails: [],
    requireBoundaryOnCreate: true,
    ...overrides,
  };
}

export function roleArn(params: BoundaryParameters, roleName: string): string {
  return `arn:${params.partition}:iam::${params.accountId}:role/${roleName}`;
}

/** ARN of the managed policy used as boundary (scp-enforce-policy). */
export function boundaryPolicyArn(params: BoundaryParameters): string {
  return `arn:${params.partition}:iam::${params.accountId}:policy/${params.policyName}`;
}

/** ARN of the organization access role: the one principal inside the account we always trust. */
export function organizationAccessRoleArn(params: BoundaryParameters): string {
  return roleArn(params, params.organizationAccessRoleName);
}

/** ARN of the role the forwarding rule puts events on the security bus with. */
export function forwardingRoleArn(params: BoundaryParameters): string {
  return roleArn(params, params.eventRoleName);
}

/** Principal ARNs the protective denies do not apply to, sorted and unique. */
export function trustedPrincipalArns(params: BoundaryParameters): string[] {
  return [...new Set([organizationAccessRoleArn(params), ...params.automationRoleArns])].sort();
}

/** ARNs of our trail (in the IAM events region) and of the customer's trails to protect. */
export function protectedTrailArns(params: BoundaryParameters): string[] {
  const { partition, accountId, eventsRegion } = params;
  const trail = (region: string, name: string) =>
    `arn:${partition}:cloudtrail:${region}:${accountId}:trail/${name}`;
  // A trail's ARN names its home region, which a name alone does not tell: protect the name in
  // every region rather than guess.
  const customer = params.protectedTrails.map((trailOrArn) =>
    trailOrArn.startsWith('arn:') ? trailOrArn : trail('*', trailOrArn),
  );
  return [trail(eventsRegion, params.trailName), ...customer];
}
