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
 * True when `name` matches the whitelist glob (`*` any run, `?` one character), case-sensitively:
 * the boundary protects whitelisted principals by Resource ARN, and IAM compares the name part of
 * an ARN case-sensitively. A case-insensitive match here would exempt `STACKSETS-EXEC-x` from the
 * boundary while the boundary does not protect it from takeover.
 */
export function matchesWhitelistGlob(glob: string, name: string): boolean {
  return matchesGlob(glob, name, { caseSensitive: true });
}

/**
 * The organization access role (by exact ARN, never by name alone), names matching a whitelist
 * glob (`*`, `?`, case-sensitive), and service-linked roles, which cannot take a boundary.
 */
export function isExemptPrincipal(principal: PrincipalIdentity, params: BoundaryParameters): boolean {
  if (principal.kind === 'role' && principal.arn === organizationAccessRoleArn(params)) return true;
  if (principal.kind === 'role' && principal.path.startsWith('/aws-service-role/')) return true;
  return params.whitelistRoleNames.some((glob) => matchesWhitelistGlob(glob, principal.name));
}

/** Where Identity Center puts the roles of its permission sets (AWSReservedSSO_<name>_<hash>). */
export const IDENTITY_CENTER_ROLE_PATH = '/aws-reserved/sso.amazonaws.com/';

/**
 * A role on Identity Center's reserved path. Never an exemption by itself (anyone may choose a path):
 * such a role still gets our boundary like any other, and only when IAM refuses it as unmodifiable
 * is it left to its permission set, which carries the boundary by reference (identity-center.ts).
 */
export function isIdentityCenterRolePath(principal: Pick<PrincipalIdentity, 'kind' | 'path'>): boolean {
  return principal.kind === 'role' && principal.path.startsWith(IDENTITY_CENTER_ROLE_PATH);
}

/** How Identity Center names a permission set's role: `AWSReservedSSO_<permission set>_<16 hex>`. */
export const IDENTITY_CENTER_ROLE_NAME = /^AWSReservedSSO_(.+)_[0-9a-f]{16}$/;

/** The permission set an Identity Center role belongs to (the role name for any other role). */
export function permissionSetOfRole(roleName: string): string {
  return IDENTITY_CENTER_ROLE_NAME.exec(roleName)?.[1] ?? roleName;
}
