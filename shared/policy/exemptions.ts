/** Which principals never get the boundary. */
import { matchesGlob } from './action-pattern.ts';
import { organizationAccessRoleArn } from './parameters.ts';
import type { BoundaryParameters } from './types.ts';

export interface PrincipalIdentity {
  kind: 'user' | 'role';
  name: string;
  /** IAM path, e.g. '/' or '/aws-service-role/...' */
  path: string;
  arn: string;
}

/**
 * The organization access role (by exact ARN, never by name alone), names matching a whitelist
 * glob (`*`, `?`), and service-linked roles, which cannot take a boundary.
 */
export function isExemptPrincipal(principal: PrincipalIdentity, params: BoundaryParameters): boolean {
  if (principal.kind === 'role' && principal.arn === organizationAccessRoleArn(params)) return true;
  if (principal.kind === 'role' && principal.path.startsWith('/aws-service-role/')) return true;
  return params.whitelistRoleNames.some((glob) => matchesGlob(glob, principal.name));
}
