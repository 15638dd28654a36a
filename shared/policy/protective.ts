/**
 * Deny statements appended to every boundary so that nobody inside the account, except the
 * organization access role and configured automation roles (matched by exact aws:PrincipalArn),
 * can remove the boundary, create principals without it, edit our policy, take over a principal
 * that carries no boundary (exempt roles, whitelisted roles and users), or disable the event
 * forwarding and trail that re-attach it.
 */
import { sortedActions } from './action-pattern.ts';
import { boundaryPolicyArn, exemptPrincipalArns, organizationAccessRoleArn, roleArn } from './parameters.ts';
import type { BoundaryParameters, PolicyStatement } from './types.ts';

type Condition = NonNullable<PolicyStatement['Condition']>;

function deny(
  sid: string,
  actions: string[],
  resource: string | string[],
  condition: Condition,
): PolicyStatement {
  const resources = Array.isArray(resource) ? [...new Set(resource)].sort() : resource;
  return {
    Sid: sid,
    Effect: 'Deny',
    Action: sortedActions(actions),
    Resource: resources,
    Condition: condition,
  };
}

/** Condition true for every principal except the exempt ones (negated operator: AND over values). */
function unlessExempt(params: BoundaryParameters): Condition {
  const exempt = exemptPrincipalArns(params);
  return { ArnNotEquals: { 'aws:PrincipalArn': exempt.length === 1 ? (exempt[0] ?? '') : exempt } };
}

/** Also true unless the request sets our policy as the boundary (true when it sets none). */
function unlessExemptOrOurBoundary(params: BoundaryParameters): Condition {
  return {
    ...unlessExempt(params),
    StringNotEquals: { 'iam:PermissionsBoundary': boundaryPolicyArn(params) },
  };
}

function boundaryStatements(params: BoundaryParameters): PolicyStatement[] {
  const statements = [
    deny(
      'ScpAltKeepBoundary',
      ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary'],
      '*',
      unlessExempt(params),
    ),
    deny(
      'ScpAltOnlyOurBoundary',
      ['iam:PutRolePermissionsBoundary', 'iam:PutUserPermissionsBoundary'],
      '*',
      unlessExemptOrOurBoundary(params),
    ),
  ];
  if (params.requireBoundaryOnCreate) {
    statements.push(
      deny(
        'ScpAltCreateWithBoundary',
        ['iam:CreateRole', 'iam:CreateUser'],
        '*',
        unlessExemptOrOurBoundary(params),
      ),
    );
  }
  return statements;
}

function policyStatement(params: BoundaryParameters): PolicyStatement {
  const ours = boundaryPolicyArn(params);
  // Derived policies (scp-enforce-policy-<hash>) carry our denies too; creating one is denied so
  // nobody can squat the name of a policy scp-alt will create.
  return deny(
    'ScpAltProtectPolicy',
    [
      'iam:CreatePolicy',
      'iam:CreatePolicyVersion',
      'iam:DeletePolicy',
      'iam:DeletePolicyVersion',
      'iam:SetDefaultPolicyVersion',
      'iam:TagPolicy',
      'iam:UntagPolicy',
    ],
    [ours, `${ours}-*`],
    unlessExempt(params),
  );
}

function rolesStatement(params: BoundaryParameters): PolicyStatement {
  return deny(
    'ScpAltProtectRoles',
    [
      'iam:AttachRolePolicy',
      'iam:DeleteRole',
      'iam:DeleteRolePermissionsBoundary',
      'iam:DeleteRolePolicy',
      'iam:DetachRolePolicy',
      'iam:PassRole',
      'iam:PutRolePermissionsBoundary',
      'iam:PutRolePolicy',
      'iam:TagRole',
      'iam:UntagRole',
      'iam:UpdateAssumeRolePolicy',
      'iam:UpdateRole',
      'iam:UpdateRoleDescription',
    ],
    [
      organizationAccessRoleArn(params),
      roleArn(params, params.eventRoleName),
      ...params.automationRoleArns,
      ...whitelistedArns(params, 'role'),
    ],
    unlessExempt(params),
  );
}

/**
 * Whitelisted names carry no boundary, so whoever could act as such a principal would escape:
 * ARNs for the name at any IAM path (the name is a glob, e.g. stacksets-exec-*).
 */
function whitelistedArns(params: BoundaryParameters, kind: 'role' | 'user'): string[] {
  const base = `arn:${params.partition}:iam::${params.accountId}:${kind}`;
  return params.whitelistRoleNames.flatMap((name) => [`${base}/${name}`, `${base}/*/${name}`]);
}

/** No new credentials or permissions for a whitelisted user: acting as one escapes the boundary. */
function whitelistedUsersStatement(params: BoundaryParameters): PolicyStatement[] {
  if (params.whitelistRoleNames.length === 0) return [];
  return [
    deny(
      'ScpAltProtectWhitelistedUsers',
      // Wildcards keep the statement short (the boundary has 6,144 characters in all); what they
      // also match on these users (deleting a key or a policy) is no loss.
      [
        'iam:*AccessKey',
        'iam:*LoginProfile',
        'iam:*ServiceSpecificCredential',
        'iam:*UserPolicy',
        'iam:Upload*',
      ],
      whitelistedArns(params, 'user'),
      unlessExempt(params),
    ),
  ];
}

function forwardingStatements(params: BoundaryParameters): PolicyStatement[] {
  const { partition, accountId, eventsRegion } = params;
  const bucket = `arn:${partition}:s3:::${params.trailBucketName}`;
  return [
    deny(
      'ScpAltProtectEventRule',
      [
        'events:DeleteRule',
        'events:DisableRule',
        'events:PutRule',
        'events:PutTargets',
        'events:RemoveTargets',
      ],
      `arn:${partition}:events:${eventsRegion}:${accountId}:rule/${params.eventRuleName}`,
      unlessExempt(params),
    ),
    deny(
      'ScpAltProtectTrail',
      [
        'cloudtrail:DeleteTrail',
        'cloudtrail:PutEventSelectors',
        'cloudtrail:StopLogging',
        'cloudtrail:UpdateTrail',
      ],
      `arn:${partition}:cloudtrail:${eventsRegion}:${accountId}:trail/${params.trailName}`,
      unlessExempt(params),
    ),
    deny(
      'ScpAltProtectTrailBucket',
      [
        's3:DeleteBucket',
        's3:DeleteBucketPolicy',
        's3:DeleteObject',
        's3:DeleteObjectVersion',
        's3:PutBucketAcl',
        's3:PutBucketPolicy',
        's3:PutBucketPublicAccessBlock',
        's3:PutBucketVersioning',
        's3:PutLifecycleConfiguration',
        's3:PutEncryptionConfiguration',
      ],
      [bucket, `${bucket}/*`],
      unlessExempt(params),
    ),
  ];
}

/** The protective Deny statements of DESIGN.md, in a stable order. */
export function protectiveStatements(params: BoundaryParameters): PolicyStatement[] {
  return [
    ...boundaryStatements(params),
    policyStatement(params),
    rolesStatement(params),
    ...whitelistedUsersStatement(params),
    ...forwardingStatements(params),
  ];
}
