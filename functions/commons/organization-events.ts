import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { z } from 'zod';
import {
  ORGANIZATION_DETAIL_TYPES,
  ORGANIZATION_EVENTS,
  type OrganizationEventName,
} from '#policy/organization-event-names.ts';
import type { OrganizationEvent } from '#usecases/organization-event.ts';

const accountId = z.string().regex(/^\d{12}$/);
const record = z.record(z.string(), z.unknown());

/**
 * The CloudTrail record fields an organization event reads. Everything else may be anything: the
 * event only says which account to look at, and a field we do not read must never lose it.
 */
const DetailSchema = z
  .object({
    eventID: z.string(),
    eventName: z.string(),
    eventSource: z.literal('organizations.amazonaws.com'),
    recipientAccountId: z.string().optional(),
    errorCode: z.string().nullish(),
    requestParameters: record.nullish(),
    responseElements: record.nullish(),
    serviceEventDetails: z.union([record, z.string()]).nullish(),
    userIdentity: z.object({ accountId: z.string().optional() }).loose().nullish(),
  })
  .loose();

const EventSchema = EventBridgeSchema.pick({ 'detail-type': true, source: true }).extend({
  detail: DetailSchema,
});

type Detail = z.infer<typeof DetailSchema>;

/**
 * The organization event in one EventBridge event (parsed JSON), or undefined for anything that is
 * not a successful Organizations call or service event scp-alt follows.
 */
export function organizationEventOf(event: unknown): OrganizationEvent | undefined {
  const parsed = EventSchema.safeParse(event);
  if (!parsed.success || parsed.data.source !== 'aws.organizations') return undefined;
  if (!(ORGANIZATION_DETAIL_TYPES as readonly string[]).includes(parsed.data['detail-type']))
    return undefined;
  const { detail } = parsed.data;
  const name = ORGANIZATION_EVENTS.find((known) => known === detail.eventName);
  // A call that failed changed nothing.
  if (!name || detail.errorCode) return undefined;
  return { eventId: detail.eventID, eventName: name, accountIds: accountsNamed(name, detail) };
}

function accountsNamed(name: OrganizationEventName, detail: Detail): string[] {
  const service = serviceDetails(detail.serviceEventDetails);
  const candidates: unknown[] = (() => {
    switch (name) {
      case 'MoveAccount':
      case 'RemoveAccountFromOrganization':
      case 'CloseAccount':
        return [detail.requestParameters?.accountId];
      case 'CreateAccountResult': {
        const status = record.safeParse(service.createAccountStatus);
        return status.success && status.data.state === 'SUCCEEDED' ? [status.data.accountId] : [];
      }
      case 'CloseAccountResult':
        return [record.safeParse(service.closeAccountStatus).data?.accountId];
      case 'AcceptHandshake':
        return handshakeAccounts(detail.responseElements?.handshake);
      case 'LeaveOrganization':
        // The member calls it itself: the event is in its own trail.
        return [detail.userIdentity?.accountId, detail.recipientAccountId];
      case 'AccountJoinedOrganization':
      case 'AccountDepartedOrganization':
        // The user guide shows no example yet: any *accountId field of the details counts.
        return Object.entries(service)
          .filter(([key]) => /accountid$/i.test(key))
          .map(([, value]) => value);
    }
  })();
  const ids = candidates.filter((id): id is string => accountId.safeParse(id).success);
  return [...new Set(ids)];
}

/** CloudTrail has delivered serviceEventDetails both as an object and as its JSON text. */
function serviceDetails(value: Detail['serviceEventDetails']): Record<string, unknown> {
  if (typeof value !== 'string') return value ?? {};
  try {
    return record.parse(JSON.parse(value));
  } catch {
    return {};
  }
}

function handshakeAccounts(handshake: unknown): unknown[] {
  const parties = z
    .object({ parties: z.array(z.object({ type: z.string(), id: z.string() }).loose()) })
    .loose()
    .safeParse(handshake);
  if (!parties.success) return [];
  return parties.data.parties
    .filter((party) => party.type.toUpperCase() === 'ACCOUNT')
    .map((party) => party.id);
}
