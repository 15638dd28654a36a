/**
 * What is decided about an IAM event before any account is touched: duplicates, events that are
 * not what a member's forwarding rule delivers, scp-alt's own calls, and failed calls (an attempt
 * against the boundary, or nothing).
 */
import { parseRoleSessionArn } from '#policy/arn.ts';
import { isDerivedPolicyArn } from '#policy/derived-boundary.ts';
import { PRINCIPAL_CREATE_EVENTS, TAMPERING_EVENTS } from '#policy/iam-event-names.ts';
import { isOwnSourceIdentity } from '#policy/own-sessions.ts';
import type { BoundedIdSet } from '#runtime/memory-caches.ts';
import { accessRoleNameFor, type FlowContext } from './flow-context.ts';
import type { IamEvent, IamEventOutcome } from './iam-event.ts';

/** What is decided before any record is read; undefined when the event needs the account's record. */
export function precheck(
  ctx: FlowContext,
  iamEvent: IamEvent,
  seen: BoundedIdSet,
): IamEventOutcome | undefined {
  const ignored = (reason: string): IamEventOutcome => ({ action: 'ignored', reason });
  if (seen.has(iamEvent.eventId)) return ignored('duplicate event');
  const forgery = forgeryOf(iamEvent);
  if (forgery) return { action: 'refused', reason: forgery };
  const known = [...PRINCIPAL_CREATE_EVENTS, ...TAMPERING_EVENTS] as readonly string[];
  if (!known.includes(iamEvent.eventName)) return ignored(`event ${iamEvent.eventName} not handled`);
  if (isOwnSession(ctx, iamEvent)) return ignored('made by scp-alt itself');
  if (iamEvent.errorCode) return undefined;
  if (!(PRINCIPAL_CREATE_EVENTS as readonly string[]).includes(iamEvent.eventName)) return undefined;
  return iamEvent.principal ? undefined : ignored('no principal name in the event');
}

/**
 * Only CloudTrail writes `aws.iam` events, and a member's rule forwards only its own account's:
 * an event from any other source, or claiming another account than the one that sent it, was put
 * on a bus by someone, not recorded by IAM.
 */
function forgeryOf(iamEvent: IamEvent): string | undefined {
  if (iamEvent.source !== 'aws.iam') return `source '${iamEvent.source}' is not aws.iam`;
  if (iamEvent.senderAccountId !== iamEvent.accountId) {
    return `sent by account '${iamEvent.senderAccountId}' for account ${iamEvent.accountId}`;
  }
  return undefined;
}

/**
 * Our own calls: a session of the role scp-alt reaches this account through (accessRoleNameFor)
 * carrying our SourceIdentity, which only our role chain can set (policy/own-sessions.ts). The
 * session name is not looked at: anyone who may assume a role chooses it.
 */
function isOwnSession(ctx: FlowContext, iamEvent: IamEvent): boolean {
  const session = iamEvent.actorArn === undefined ? undefined : parseRoleSessionArn(iamEvent.actorArn);
  return (
    session?.roleName === accessRoleNameFor(ctx.settings, iamEvent.accountId) &&
    session.accountId === iamEvent.accountId &&
    isOwnSourceIdentity(iamEvent.sourceIdentity)
  );
}

/**
 * A failed call changed nothing. It is an attempt worth reporting when it aimed at what keeps the
 * boundary: removing or replacing a boundary, editing our policies, or creating a principal
 * (denied when it lacks our boundary, carries another or takes a whitelisted name).
 */
export function failedCallOutcome(ctx: FlowContext, iamEvent: IamEvent, errorCode: string): IamEventOutcome {
  const ourPolicy = ctx.ports.iam.policyArnFor(iamEvent.accountId);
  const onOurPolicy = iamEvent.policyArn === ourPolicy || isDerivedPolicyArn(ourPolicy, iamEvent.policyArn);
  const onBoundary = iamEvent.eventName.endsWith('PermissionsBoundary');
  const deniedCreate =
    (PRINCIPAL_CREATE_EVENTS as readonly string[]).includes(iamEvent.eventName) && isDenial(errorCode);
  if (onOurPolicy || onBoundary || deniedCreate) return { action: 'attempt-denied', errorCode };
  return { action: 'ignored', reason: `call failed (${errorCode})` };
}

function isDenial(errorCode: string): boolean {
  return /AccessDenied|Unauthorized/i.test(errorCode);
}
