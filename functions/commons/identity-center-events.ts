import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { z } from 'zod';
import { IDENTITY_CENTER_EVENTS, ORGANIZATION_DETAIL_TYPES } from '#policy/organization-event-names.ts';
import type { IdentityCenterEvent } from '#usecases/identity-center.ts';

/** The CloudTrail record fields an Identity Center event reads; anything else may be anything. */
const DetailSchema = z
  .object({
    eventID: z.string(),
    eventName: z.string(),
    eventSource: z.literal('sso.amazonaws.com'),
    errorCode: z.string().nullish(),
    requestParameters: z.object({ permissionSetArn: z.string().optional() }).loose().nullish(),
  })
  .loose();

const EventSchema = EventBridgeSchema.pick({ 'detail-type': true, source: true }).extend({
  detail: DetailSchema,
});

/**
 * The Identity Center event in one EventBridge event (parsed JSON), or undefined for anything that
 * is not a successful call scp-alt follows. The permission set it names is looked at again.
 */
export function identityCenterEventOf(event: unknown): IdentityCenterEvent | undefined {
  const parsed = EventSchema.safeParse(event);
  if (!parsed.success || parsed.data.source !== 'aws.sso') return undefined;
  if (!(ORGANIZATION_DETAIL_TYPES as readonly string[]).includes(parsed.data['detail-type']))
    return undefined;
  const { detail } = parsed.data;
  const name = IDENTITY_CENTER_EVENTS.find((known) => known === detail.eventName);
  const permissionSetArn = detail.requestParameters?.permissionSetArn;
  // A call that failed changed nothing.
  if (!name || detail.errorCode || !permissionSetArn) return undefined;
  return { eventId: detail.eventID, eventName: name, permissionSetArn };
}
