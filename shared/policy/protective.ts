/**
 * Deny statements appended to every boundary. Every principal without our boundary (the
 * organization access role, automation roles, whitelisted roles and users, the forwarding role)
 * is a way out for whoever can become or change it, so for everyone except the exempt principals
 * (organization access role and automation roles, matched by exact aws:PrincipalArn) they deny:
 * removing or replacing a boundary, creating principals with another boundary (or, by default,
 * without ours), detaching our policies, and any change to what scp-alt relies on — our policies,
 * the principals without a boundary (becoming them included), the forwarding rule, the trails and
 * the trail bucket.
 *
 * The statements share the 6,144 characters of the boundary with the customer's SCPs, so they are
 * few and use action wildcards; test/unit/bypass expands each one against the action catalog.
 */
import { sortedActions } from './action-pattern.ts';
import { boundaryPolicyArn, trustedPrincipalArns } from './parameters.ts';
import { protectedResourceArns, READ_ONLY_ACTIONS } from './protected-resources.ts';
import type { BoundaryParameters, PolicyStatement } from './types.ts';

type Condition = NonNullable<PolicyStatement['Condition']>;

/** Matches exactly Delete/Put × Role/User PermissionsBoundary (see test/unit/bypass). */
const BOUNDARY_ACTIONS = 'iam:*PermissionsBoundary';
/** Matches exactly DetachGroupPolicy, DetachRolePolicy and DetachUserPolicy. */
const DETACH_ACTIONS = 'iam:Detach*Policy';
const CREATE_PRINCIPAL_ACTIONS = ['iam:CreateRole', 'iam:CreateUser'];

function one(values: string[]): string | string[] {
  return values.length === 1 ? (values[0] ?? '') : values;
}

/** Condition true for every principal except the exempt ones (negated operator: AND over values). */
function unlessExempt(params: BoundaryParameters): Condition {
  return { ArnNotEquals: { 'aws:PrincipalArn': one(trustedPrincipalArns(params)) } };
}

/** Also true unless the request sets our policy as the boundary (true when it sets none). */
function unlessExemptOrOurBoundary(params: BoundaryParameters): Condition {
  return {
    ...unlessExempt(params),
    StringNotEquals: { 'iam:PermissionsBoundary': boundaryPolicyArn(params) },
  };
}

/**
 * No boundary removed or replaced by anything but ours; no principal created without ours (or,
 * when that is not required, with another one: a foreign boundary too large to combine with ours
 * would stay forever).
 */
function boundaryStatements(params: BoundaryParameters): PolicyStatement[] {
  if (params.requireBoundaryOnCreate) {
    return [
      {
        Sid: 'ScpAltKeepBoundary',
        Effect: 'Deny',
        Action: sortedActions([BOUNDARY_ACTIONS, ...CREATE_PRINCIPAL_ACTIONS]),
        Resource: '*',
        Condition: unlessExemptOrOurBoundary(params),
      },
    ];
  }
  return [
    {
      Sid: 'ScpAltKeepBoundary',
      Effect: 'Deny',
      Action: BOUNDARY_ACTIONS,
      Resource: '*',
      Condition: unlessExemptOrOurBoundary(params),
    },
    {
      Sid: 'ScpAltCreateWithoutOtherBoundary',
      Effect: 'Deny',
      Action: CREATE_PRINCIPAL_ACTIONS,
      Resource: '*',
      Condition: {
        ...unlessExemptOrOurBoundary(params),
        Null: { 'iam:PermissionsBoundary': 'false' },
      },
    },
  ];
}

/**
 * Our policies stay attached: the boundary cannot be detached (it is not attached), but the
 * additional policies scp-enforce-policy-2, -3, … are ordinary managed policies.
 */
function attachmentStatement(params: BoundaryParameters): PolicyStatement {
  const ours = boundaryPolicyArn(params);
  return {
    Sid: 'ScpAltKeepPolicies',
    Effect: 'Deny',
    Action: DETACH_ACTIONS,
    Resource: '*',
    Condition: { ...unlessExempt(params), ArnLike: { 'iam:PolicyARN': [ours, `${ours}-*`] } },
  };
}

/**
 * Everything but reading on what scp-alt relies on. NotAction rather than a list of actions: an
 * action AWS adds later (sts:SetContext was one) is denied on these resources from the start.
 */
function resourcesStatement(params: BoundaryParameters): PolicyStatement {
  return {
    Sid: 'ScpAltProtect',
    Effect: 'Deny',
    NotAction: [...READ_ONLY_ACTIONS],
    Resource: protectedResourceArns(params),
    Condition: unlessExempt(params),
  };
}

/** The protective Deny statements of DESIGN.md, in a stable order. */
export function protectiveStatements(params: BoundaryParameters): PolicyStatement[] {
  return [...boundaryStatements(params), attachmentStatement(params), resourcesStatement(params)];
}
