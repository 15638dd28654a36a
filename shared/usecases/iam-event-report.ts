/**
 * The IAM events of one invocation that changed nothing but must not go unseen: forged events
 * refused, and calls against the boundary that failed. One notice per kind and invocation, so a
 * flood of either is one message, not one per event.
 */
import type { FlowContext } from './flow-context.ts';
import type { IamEvent, IamEventOutcome } from './iam-event.ts';
import { sendNotice } from './report-failure.ts';

export interface HandledIamEvent {
  event: IamEvent;
  outcome: IamEventOutcome;
}

export async function reportUnseenIamEvents(ctx: FlowContext, handled: HandledIamEvent[]): Promise<void> {
  const refused = handled.filter(({ outcome }) => outcome.action === 'refused');
  const denied = handled.filter(({ outcome }) => outcome.action === 'attempt-denied');
  if (refused.length > 0) {
    await sendNotice(ctx, {
      code: 'FORGED_EVENT_REFUSED',
      step: 'iam-event',
      ...oneAccount(refused),
      reason: `${refused.length} event(s) on the security bus were not forwarded by the account they name; nothing was changed`,
      details: refused.map(describeRefused),
    });
  }
  if (denied.length > 0) {
    await sendNotice(ctx, {
      code: 'TAMPER_ATTEMPT_DENIED',
      step: 'iam-event',
      ...oneAccount(denied),
      reason: `${denied.length} call(s) against the boundary failed`,
      details: denied.map(describeDenied),
    });
  }
}

function oneAccount(entries: HandledIamEvent[]): { accountId?: string } {
  const accounts = new Set(entries.map(({ event }) => event.accountId));
  const [only] = accounts;
  return accounts.size === 1 && only ? { accountId: only } : {};
}

function describeRefused({ event, outcome }: HandledIamEvent): string {
  const why = outcome.action === 'refused' ? outcome.reason : '';
  return `${event.eventName} ${event.eventId} for account ${event.accountId}: ${why}`;
}

function describeDenied({ event, outcome }: HandledIamEvent): string {
  const code = outcome.action === 'attempt-denied' ? outcome.errorCode : '';
  const target = event.principal
    ? ` on ${event.principal.kind}/${event.principal.name}`
    : event.policyArn
      ? ` on ${event.policyArn}`
      : '';
  return `${event.accountId}: ${event.eventName}${target} by ${event.actorArn ?? 'unknown principal'} failed (${code}), event ${event.eventId}`;
}
