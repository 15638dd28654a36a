import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { z } from 'zod';
import { CLOUDTRAIL_DETAIL_TYPES } from '#policy/iam-event-names.ts';
import type { IamEvent } from '#usecases/iam-event.ts';
import type { PrincipalRef } from '#usecases/ports.ts';

/** The CloudTrail record EventBridge carries in `detail`: the fields an IAM event needs. */
const CloudTrailDetailSchema = z
  .object({
    eventID: z.string(),
    eventName: z.string(),
    recipientAccountId: z.string(),
    errorCode: z.string().optional(),
    requestParameters: z.record(z.string(), z.unknown()).nullish(),
    userIdentity: z
      .object({
        arn: z.string().optional(),
        // Set by STS on a role chain and kept by every later hop: how our own sessions are told apart.
        sessionContext: z.object({ sourceIdentity: z.string().optional() }).loose().nullish(),
      })
      .loose()
      .nullish(),
  })
  .loose();

/**
 * The EventBridge envelope fields an IAM event reads, from powertools' schema. Not the whole
 * envelope: an event refused for a field we do not read is a principal left without our boundary,
 * and the full schema refuses the local stack's deliveries (`time` in epoch seconds).
 */
const CloudTrailEventSchema = EventBridgeSchema.pick({ 'detail-type': true }).extend({
  detail: CloudTrailDetailSchema,
  // Read, not required here: the use case refuses an event without them as forged.
  source: z.string().optional(),
  account: z.string().optional(),
});

/**
 * The IAM call recorded in one EventBridge event (parsed JSON), or undefined for anything that is
 * not a CloudTrail API-call event.
 */
export function iamEventOf(event: unknown): IamEvent | undefined {
  const parsed = CloudTrailEventSchema.safeParse(event);
  if (!parsed.success) return undefined;
  if (!(CLOUDTRAIL_DETAIL_TYPES as readonly string[]).includes(parsed.data['detail-type'])) return undefined;
  const { detail } = parsed.data;
  const parameters = detail.requestParameters ?? {};
  const iamEvent: IamEvent = {
    eventId: detail.eventID,
    eventName: detail.eventName,
    accountId: detail.recipientAccountId,
    source: parsed.data.source ?? '',
    senderAccountId: parsed.data.account ?? '',
  };
  if (detail.errorCode) iamEvent.errorCode = detail.errorCode;
  const principal = principalOf(parameters);
  if (principal) iamEvent.principal = principal;
  const policyArn =
    stringParameter(parameters, 'policyArn') ?? stringParameter(parameters, 'permissionsBoundary');
  if (policyArn) iamEvent.policyArn = policyArn;
  if (detail.userIdentity?.arn) iamEvent.actorArn = detail.userIdentity.arn;
  const sourceIdentity = detail.userIdentity?.sessionContext?.sourceIdentity;
  if (sourceIdentity) iamEvent.sourceIdentity = sourceIdentity;
  return iamEvent;
}

function principalOf(parameters: Record<string, unknown>): PrincipalRef | undefined {
  const userName = stringParameter(parameters, 'userName');
  if (userName) return { kind: 'user', name: userName };
  const roleName = stringParameter(parameters, 'roleName');
  return roleName ? { kind: 'role', name: roleName } : undefined;
}

function stringParameter(parameters: Record<string, unknown>, name: string): string | undefined {
  const value = parameters[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
