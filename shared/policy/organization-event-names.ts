/**
 * The Organizations events scp-alt follows. The management account's rule
 * (templates/organization-events.yaml), the security bus rule and the dispatcher share them.
 *
 * Which account each names, per the Organizations user guide's CloudTrail examples:
 * `requestParameters.accountId` (MoveAccount, RemoveAccountFromOrganization, CloseAccount),
 * `serviceEventDetails.createAccountStatus.accountId` (CreateAccountResult) and
 * `.closeAccountStatus.accountId` (CloseAccountResult), the ACCOUNT party of the handshake
 * (AcceptHandshake), the caller's own account (LeaveOrganization), and `serviceEventDetails.accountId`
 * of the membership events Organizations logs in the management account since May 2026
 * (AccountJoinedOrganization, AccountDepartedOrganization).
 */
export const ORGANIZATION_EVENTS = [
  'MoveAccount',
  'CreateAccountResult',
  'AcceptHandshake',
  'AccountJoinedOrganization',
  'RemoveAccountFromOrganization',
  'LeaveOrganization',
  'AccountDepartedOrganization',
  'CloseAccount',
  'CloseAccountResult',
] as const;

export type OrganizationEventName = (typeof ORGANIZATION_EVENTS)[number];

/** API calls and service events (CreateAccountResult, CloseAccountResult, membership events). */
export const ORGANIZATION_DETAIL_TYPES = [
  'AWS API Call via CloudTrail',
  'AWS Service Event via CloudTrail',
  'Amazon API Call via CloudTrail',
  'Amazon Service Event via CloudTrail',
] as const;

export function organizationEventPattern(): Record<string, unknown> {
  return {
    source: ['aws.organizations'],
    'detail-type': [...ORGANIZATION_DETAIL_TYPES],
    detail: { eventSource: ['organizations.amazonaws.com'], eventName: [...ORGANIZATION_EVENTS] },
  };
}

/**
 * Identity Center calls of the management account (or the delegated administrator) that can take
 * our boundary or policies off a permission set, put it into more accounts, or provision it again:
 * each has the permission set looked at again (usecases/identity-center.ts). CloudTrail records them
 * in the instance's Region with source aws.sso; requestParameters name the permission set
 * (`permissionSetArn`) and the instance (`instanceArn`).
 */
export const IDENTITY_CENTER_EVENTS = [
  'DeletePermissionsBoundaryFromPermissionSet',
  'PutPermissionsBoundaryToPermissionSet',
  'DetachCustomerManagedPolicyReferenceFromPermissionSet',
  'ProvisionPermissionSet',
  'CreateAccountAssignment',
] as const;

export type IdentityCenterEventName = (typeof IDENTITY_CENTER_EVENTS)[number];

export function identityCenterEventPattern(): Record<string, unknown> {
  return {
    source: ['aws.sso'],
    'detail-type': [...ORGANIZATION_DETAIL_TYPES],
    detail: { eventSource: ['sso.amazonaws.com'], eventName: [...IDENTITY_CENTER_EVENTS] },
  };
}
