/** CloudTrail event names scp-alt reacts to; the forwarding rule and the dispatcher share them. */
export const PRINCIPAL_CREATE_EVENTS = ['CreateUser', 'CreateRole'] as const;

/** Detaching one of our additional policies from a user or role. */
export const DETACH_EVENTS = ['DetachUserPolicy', 'DetachRolePolicy'] as const;

/** Calls that could weaken the boundary; only exempt principals should ever succeed with them. */
export const TAMPERING_EVENTS = [
  'DeleteUserPermissionsBoundary',
  'DeleteRolePermissionsBoundary',
  'PutUserPermissionsBoundary',
  'PutRolePermissionsBoundary',
  'CreatePolicyVersion',
  'SetDefaultPolicyVersion',
  'DeletePolicy',
  ...DETACH_EVENTS,
] as const;

/** EventBridge has used both spellings of this detail type. */
export const CLOUDTRAIL_DETAIL_TYPES = [
  'AWS API Call via CloudTrail',
  'Amazon API Call via CloudTrail',
] as const;

export type PrincipalCreateEvent = (typeof PRINCIPAL_CREATE_EVENTS)[number];
export type TamperingEvent = (typeof TAMPERING_EVENTS)[number];

export function forwardedEventPattern(): Record<string, unknown> {
  return {
    source: ['aws.iam'],
    'detail-type': [...CLOUDTRAIL_DETAIL_TYPES],
    detail: { eventName: [...PRINCIPAL_CREATE_EVENTS, ...TAMPERING_EVENTS] },
  };
}
