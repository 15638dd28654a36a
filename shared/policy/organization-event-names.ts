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
