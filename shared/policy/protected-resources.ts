/**
 * What the protective statements protect, as Resource ARNs: the principals that carry no boundary
 * of ours, our policies, and the forwarding rule, trails and trail bucket that re-attach it.
 */
import {
  boundaryPolicyArn,
  forwardingRoleArn,
  organizationAccessRoleArn,
  protectedTrailArns,
} from './parameters.ts';
import type { BoundaryParameters } from './types.ts';

/**
 * The reads left to everyone on the protected resources (consoles, scanners, Terraform and the
 * policy simulator read them); every action they match is a Read or List action of the catalog
 * (test/unit/bypass checks it, and lists the exact matches).
 */
export const READ_ONLY_ACTIONS = [
  'cloudtrail:Get*',
  'cloudtrail:List*',
  'events:Describe*',
  'events:List*',
  'iam:Generate*',
  'iam:Get*',
  'iam:List*',
  'iam:Simulate*',
  's3:Get*',
  's3:List*',
] as const;

/**
 * Roles and users named by a whitelist glob, at any IAM path. IAM allows no wildcard in the
 * resource type of an ARN, so roles and users need their own entries.
 */
export function whitelistedPrincipalArns(params: BoundaryParameters): string[] {
  const base = `arn:${params.partition}:iam::${params.accountId}:`;
  return params.whitelistRoleNames.flatMap((glob) =>
    ['role', 'user'].flatMap((kind) => [`${base}${kind}/${glob}`, `${base}${kind}/*/${glob}`]),
  );
}

/**
 * Principals without our boundary: becoming one (sts:AssumeRole, sts:TagSession, …), passing it,
 * changing its trust, policies or credentials, or creating it where it does not exist yet would
 * escape the boundary. Automation role ARNs are taken as given (they may name other accounts).
 * Only principals of the member account carry the boundary: callers from other accounts, such as
 * the management account's StackSets administration role assuming stacksets-exec-*, are not
 * bound by these denies and keep working (test/unit/bypass shows both sides).
 */
export function unboundedPrincipalArns(params: BoundaryParameters): string[] {
  return [
    organizationAccessRoleArn(params),
    forwardingRoleArn(params),
    ...params.automationRoleArns,
    ...whitelistedPrincipalArns(params),
  ];
}

/** Every resource the protective statements keep read-only for non-exempt principals, sorted. */
export function protectedResourceArns(params: BoundaryParameters): string[] {
  const { partition, accountId, eventsRegion } = params;
  const policy = boundaryPolicyArn(params);
  const bucket = `arn:${partition}:s3:::${params.trailBucketName}`;
  const resources = [
    ...unboundedPrincipalArns(params),
    // Our boundary, and the derived (scp-enforce-policy-<hash>) and additional (-2, -3, …)
    // policies; creating one is denied too, so nobody squats a name scp-alt will create.
    policy,
    `${policy}-*`,
    `arn:${partition}:events:${eventsRegion}:${accountId}:rule/${params.eventRuleName}`,
    ...protectedTrailArns(params),
    bucket,
    `${bucket}/*`,
  ];
  return [...new Set(resources)].sort();
}
