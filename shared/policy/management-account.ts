/**
 * The management account enrolled (opt-in): which of its principals stay without the boundary,
 * and when the boundary would lock the organization's administrators out.
 *
 * Exempt there, and protected by the protective statements like every exempt principal:
 * - scp-alt's own management role, in the place the organization access role has in a member
 *   (exempt from the protective denies: it writes the boundary);
 * - the StackSets administration role, which StackSets assumes to reach every member;
 * - the break-glass users and roles the operator names, by exact name.
 * Service-linked roles (among them the one of service-managed StackSets) cannot take a boundary
 * anyway (exemptions.ts).
 */
import { evaluateRequest } from './evaluate.ts';
import type { BoundaryParameterOverrides } from './parameters.ts';
import type { AdditionalPolicy, BoundaryParameters, PolicyDocument } from './types.ts';

/** The role self-managed StackSets administers members with, in the management account. */
export const STACKSETS_ADMINISTRATION_ROLE_NAME = 'AWSCloudFormationStackSetAdministrationRole';

export interface ManagementExemptions {
  /** scp-alt's management role (MANAGEMENT_ROLE_NAME). */
  managementRoleName: string;
  /** Exact user or role names (MANAGEMENT_BREAK_GLASS_NAMES). */
  breakGlassNames: readonly string[];
  /** The deployment's whitelist (WHITELIST_ROLE_NAMES), which applies here as everywhere. */
  whitelistRoleNames: readonly string[];
}

/** The boundary parameters of the management account: its exempt principals in their places. */
export function managementAccountParameters(
  exemptions: ManagementExemptions,
): Pick<BoundaryParameterOverrides, 'organizationAccessRoleName' | 'whitelistRoleNames'> {
  return {
    organizationAccessRoleName: exemptions.managementRoleName,
    whitelistRoleNames: [
      ...new Set([
        ...exemptions.whitelistRoleNames,
        STACKSETS_ADMINISTRATION_ROLE_NAME,
        ...exemptions.breakGlassNames,
      ]),
    ],
  };
}

/**
 * What administering the organization takes: shaping it (accounts, OUs), its policies, and the
 * services trusted with it. An administrator who lost any of these has lost the organization.
 */
export const ORGANIZATION_ADMINISTRATION_ACTIONS = [
  'organizations:AttachPolicy',
  'organizations:CreateAccount',
  'organizations:CreateOrganizationalUnit',
  'organizations:CreatePolicy',
  'organizations:DeleteOrganizationalUnit',
  'organizations:DetachPolicy',
  'organizations:DisableAWSServiceAccess',
  'organizations:EnableAWSServiceAccess',
  'organizations:InviteAccountToOrganization',
  'organizations:MoveAccount',
  'organizations:RegisterDelegatedAdministrator',
  'organizations:RemoveAccountFromOrganization',
  'organizations:UpdatePolicy',
] as const;

const ALLOW_ALL = {
  source: 'an administrator policy',
  document: { Statement: [{ Effect: 'Allow' as const, Action: '*', Resource: '*' }] },
};

/**
 * The administration actions an administrator of the management account could no longer call once
 * bounded: a principal whose own policies allow everything, carrying the boundary and the
 * additional policies. Empty when the boundary takes nothing of Organizations away.
 */
export function administrationActionsDenied(
  params: BoundaryParameters,
  boundary: PolicyDocument,
  additionalPolicies: readonly AdditionalPolicy[] = [],
): string[] {
  const role = `arn:${params.partition}:iam::${params.accountId}:role/organization-administrator`;
  const session = `arn:${params.partition}:sts::${params.accountId}:assumed-role/organization-administrator/admin`;
  const policies = {
    scpChain: [],
    identityPolicies: [
      ALLOW_ALL,
      ...additionalPolicies.map((extra) => ({ source: extra.name, document: extra.policy })),
    ],
    permissionsBoundary: { source: params.policyName, document: boundary },
  };
  return ORGANIZATION_ADMINISTRATION_ACTIONS.filter(
    (action) =>
      evaluateRequest(
        {
          action,
          resource: '*',
          principalArn: session,
          accountId: params.accountId,
          context: { 'aws:PrincipalArn': role, 'aws:PrincipalAccount': params.accountId },
        },
        policies,
      ).decision !== 'Allowed',
  );
}

/** One principal of the management account left without the boundary, and why. */
export interface ManagementExemption {
  name: string;
  why: string;
}

/** The management account's exempt principals by name, as plan and the README state them. */
export function managementExemptions(exemptions: ManagementExemptions): ManagementExemption[] {
  return [
    { name: exemptions.managementRoleName, why: "scp-alt's management role: it writes the boundary" },
    { name: STACKSETS_ADMINISTRATION_ROLE_NAME, why: 'StackSets administration role' },
    ...exemptions.breakGlassNames.map((name) => ({ name, why: 'break-glass (ManagementBreakGlassNames)' })),
  ];
}
