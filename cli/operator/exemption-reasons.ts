/**
 * Principals that carry no boundary at all, and why: the organization access role, whitelisted
 * names and service-linked roles. simulate answers "exempt" for them instead of deciding as if the
 * boundary applied; the estate report lists them with the reason.
 */
import {
  isExemptPrincipal,
  matchesWhitelistGlob,
  organizationAccessRoleArn,
  type PrincipalIdentity,
} from '#policy/index.ts';
import type { BoundaryParameters } from '#policy/types.ts';
import { principalArnOf } from './simulate-request.ts';

const IAM_PRINCIPAL = /^arn:[^:]+:iam::\d{12}:(user|role)(\/.*)?\/([^/]+)$/;

/** The user or role a principal ARN (or role session ARN) names, with its IAM path. */
export function principalIdentity(principal: string): PrincipalIdentity | undefined {
  const arn = principalArnOf(principal);
  const match = IAM_PRINCIPAL.exec(arn);
  if (!match) return undefined;
  const [, kind, path, name = ''] = match;
  return { kind: kind === 'user' ? 'user' : 'role', name, path: `${path ?? ''}/`, arn };
}

/** Why the principal carries no boundary, or undefined when it carries one. */
export function exemptionOf(principal: string, params: BoundaryParameters): string | undefined {
  const identity = principalIdentity(principal);
  return identity ? exemptionReason(identity, params) : undefined;
}

/** The same for a principal as IAM lists it (with its path). */
export function exemptionReason(identity: PrincipalIdentity, params: BoundaryParameters): string | undefined {
  if (!isExemptPrincipal(identity, params)) return undefined;
  if (identity.kind === 'role' && identity.arn === organizationAccessRoleArn(params))
    return `organization access role ${params.organizationAccessRoleName}`;
  if (identity.kind === 'role' && identity.path.startsWith('/aws-service-role/'))
    return 'service-linked role';
  const glob = params.whitelistRoleNames.find((candidate) => matchesWhitelistGlob(candidate, identity.name));
  return `whitelisted by WhitelistRoleName '${glob}'`;
}
