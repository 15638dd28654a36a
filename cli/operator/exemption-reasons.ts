/**
 * Principals that carry no boundary at all, and why: the role scp-alt reaches the account through
 * (the organization access role; scp-alt's management role in the management account; the
 * standalone access role in a standalone account), the StackSets administration role and the
 * break-glass principals of the management account, whitelisted names and service-linked roles.
 * simulate answers "exempt" for them instead of deciding as if the boundary applied; the estate
 * report lists them with the reason.
 */

import {
  isExemptPrincipal,
  matchesWhitelistGlob,
  organizationAccessRoleArn,
  type PrincipalIdentity,
} from '#policy/index.ts';
import { STACKSETS_ADMINISTRATION_ROLE_NAME } from '#policy/management-account.ts';
import type { BoundaryParameters } from '#policy/types.ts';
import {
  type FlowSettings,
  isEnrollableManagementAccount,
  isStandaloneAccount,
} from '#usecases/flow-context.ts';
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

/** What the exempt principals of one account are called: they differ in the management account. */
export interface ExemptionLabels {
  /** The role scp-alt reaches the account through. */
  accessRole: string;
  /** The management account's exact exemptions beside the whitelist; empty elsewhere. */
  managementNames: ReadonlyMap<string, string>;
}

export const MEMBER_EXEMPTION_LABELS: ExemptionLabels = {
  accessRole: 'organization access role',
  managementNames: new Map(),
};

/** The labels for `accountId` under the deployment's settings. */
export function exemptionLabels(settings: FlowSettings, accountId: string): ExemptionLabels {
  if (isEnrollableManagementAccount(settings, accountId))
    return {
      accessRole: "scp-alt's management role",
      managementNames: new Map([
        [STACKSETS_ADMINISTRATION_ROLE_NAME, 'StackSets administration role'],
        ...settings.managementAccount.breakGlassNames.map(
          (name) => [name, 'break-glass principal (ManagementBreakGlassNames)'] as const,
        ),
      ]),
    };
  if (isStandaloneAccount(settings, accountId))
    return { accessRole: 'standalone access role', managementNames: new Map() };
  return MEMBER_EXEMPTION_LABELS;
}

/** Why the principal carries no boundary, or undefined when it carries one. */
export function exemptionOf(
  principal: string,
  params: BoundaryParameters,
  labels: ExemptionLabels = MEMBER_EXEMPTION_LABELS,
): string | undefined {
  const identity = principalIdentity(principal);
  return identity ? exemptionReason(identity, params, labels) : undefined;
}

/** The same for a principal as IAM lists it (with its path). */
export function exemptionReason(
  identity: PrincipalIdentity,
  params: BoundaryParameters,
  labels: ExemptionLabels = MEMBER_EXEMPTION_LABELS,
): string | undefined {
  if (!isExemptPrincipal(identity, params)) return undefined;
  if (identity.kind === 'role' && identity.arn === organizationAccessRoleArn(params))
    return `${labels.accessRole} ${params.organizationAccessRoleName}`;
  if (identity.kind === 'role' && identity.path.startsWith('/aws-service-role/'))
    return 'service-linked role';
  const named = labels.managementNames.get(identity.name);
  if (named) return named;
  const glob = params.whitelistRoleNames.find((candidate) => matchesWhitelistGlob(candidate, identity.name));
  return `whitelisted by WhitelistRoleName '${glob}'`;
}
