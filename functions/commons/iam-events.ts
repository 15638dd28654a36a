import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { z } from 'zod';
import { CLOUDTRAIL_DETAIL_TYPES } from '#policy/iam-event-names.ts';
import { InputRejectedError } from '#shared/errors.ts';
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

/** The service the forwarding rules and the bus rule match on. */
const IAM_EVENT_SOURCE = 'aws.iam';

/**
 * The IAM call of one event, or InputRejectedError naming what is wrong with it: something that is
 * not a CloudTrail API-call event can never become an IAM call. A well-formed one from another
 * source is passed on: it was put on the bus by someone, and the use case refuses and reports it
 * as forged.
 */
export function readIamEvent(event: unknown): IamEvent {
  const iamEvent = iamEventOf(event);
  if (iamEvent) return iamEvent;
  throw new InputRejectedError(whyNotAnIamEvent(event));
}

function whyNotAnIamEvent(event: unknown): string {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    const kind = event === null ? 'null' : Array.isArray(event) ? 'an array' : `a ${typeof event}`;
    return `the event is ${kind}, not an EventBridge event`;
  }
  const source = (event as { source?: unknown }).source;
  if (source !== IAM_EVENT_SOURCE) {
    return `event of source ${JSON.stringify(source ?? null)}, not ${IAM_EVENT_SOURCE}, and not a CloudTrail API call event`;
  }
  const parsed = CloudTrailEventSchema.safeParse(event);
  if (!parsed.success) {
    const fields = parsed.error.issues.slice(0, 5).map((issue) => issue.path.join('.') || '(event)');
    return `not a CloudTrail API call event (missing or malformed: ${[...new Set(fields)].join(', ')})`;
  }
  return `detail-type ${JSON.stringify(parsed.data['detail-type'])} is not one of ${CLOUDTRAIL_DETAIL_TYPES.join(', ')}`;
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
