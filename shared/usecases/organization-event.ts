/**
 * Organization event: a CloudTrail-recorded Organizations call or service event of the management
 * account (MoveAccount, CreateAccountResult, AcceptHandshake, RemoveAccountFromOrganization,
 * LeaveOrganization, CloseAccount…), forwarded to the security bus → function
 * organization-event-dispatcher → each account it names is followed (follow-account.ts).
 */
import { realSleep } from '#runtime/retry.ts';
import { type PolicySnapshot, policySnapshot } from './compile-account.ts';
import type { FlowContext } from './flow-context.ts';
import { type FollowResult, followAccount } from './follow-account.ts';

export interface OrganizationEvent {
  eventId: string;
  eventName: string;
  /** The accounts the event names; what happens to each is decided by asking Organizations. */
  accountIds: string[];
}

export interface OrganizationEventOutcome {
  eventId: string;
  eventName: string;
  accounts: FollowResult[];
  /** Set when an account must be looked at again later (the handler has the event delivered again). */
  retryLater?: string[];
}

/**
 * Waits within the invocation for what is about to finish (an enrollment started by the event just
 * before, an account a few seconds from active) before handing the event back to the queue, whose
 * next delivery comes only after its visibility timeout.
 */
const PATIENCE_MS = [5_000, 15_000, 30_000];

async function followPatiently(ctx: FlowContext, snapshot: PolicySnapshot, accountId: string) {
  const sleep = ctx.retry?.sleep ?? realSleep;
  let result = await followAccount(ctx, snapshot, accountId);
  for (const wait of PATIENCE_MS) {
    if (result.action !== 'retry-later' || ctx.deadline?.reached()) break;
    ctx.log.info('waiting before looking at the account again', {
      accountId,
      waitMs: wait,
      reason: result.reason,
    });
    await sleep(wait);
    result = await followAccount(ctx, snapshot, accountId);
  }
  return result;
}

export type OrganizationEventResponder = (event: OrganizationEvent) => Promise<OrganizationEventOutcome>;

/**
 * Built once per container. Events of one account are followed one after the other (a batch may
 * hold duplicates, or a CreateAccountResult and the MoveAccount that placed the new account), so
 * the second sees what the first did instead of racing it.
 */
export function createOrganizationEventResponder(ctx: FlowContext): OrganizationEventResponder {
  const queues = new Map<string, Promise<unknown>>();
  const oneAtATime = <T>(accountId: string, work: () => Promise<T>): Promise<T> => {
    const previous = queues.get(accountId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    queues.set(accountId, settled);
    void settled.then(() => {
      if (queues.get(accountId) === settled) queues.delete(accountId);
    });
    return next;
  };
  return async (event) => {
    // One listing of the policy files per event, read again by the next event.
    const snapshot = policySnapshot(ctx.ports.policyStore, ctx.now);
    const accounts: FollowResult[] = [];
    for (const accountId of [...new Set(event.accountIds)]) {
      accounts.push(await oneAtATime(accountId, () => followPatiently(ctx, snapshot, accountId)));
    }
    const later = accounts.filter((result) => result.action === 'retry-later').map((r) => r.accountId);
    return {
      eventId: event.eventId,
      eventName: event.eventName,
      accounts,
      ...(later.length > 0 ? { retryLater: later } : {}),
    };
  };
}
