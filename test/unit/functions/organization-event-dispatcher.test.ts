/**
 * Organizations events in the EventBridge shape CloudTrail gives them (the Organizations user
 * guide's example log entries, dev/local-deployment/organization-events.ts): which account each
 * names, and what the dispatcher answers SQS.
 */
import { describe, expect, it } from 'vitest';
import {
  acceptHandshakeEvent,
  closeAccountEvent,
  closeAccountResultEvent,
  createAccountResultEvent,
  moveAccountEvent,
  organizationsEvent,
  removeAccountEvent,
} from '#dev/local-deployment/organization-events.ts';
import { organizationEventOf } from '#functions/commons/organization-events.ts';
import { makeHandler } from '#functions/organization-event-dispatcher.ts';
import { sqsBatch } from '../fakes/lambda-events.ts';
import { A1, enrolledOrganization } from '../fakes/organization.ts';
import { lambdaContext, MANAGEMENT_ACCOUNT, OU_A, OU_B, ROOT, silentLogger } from '../fakes/world.ts';

const base = { managementAccountId: MANAGEMENT_ACCOUNT, partition: 'aws-cn' };
const MEMBER = '111122223333';

describe('organization event parsing', () => {
  it.each([
    [
      'MoveAccount',
      moveAccountEvent(base, { accountId: MEMBER, sourceParentId: OU_A, destinationParentId: OU_B }),
    ],
    ['CreateAccountResult', createAccountResultEvent(base, MEMBER)],
    ['RemoveAccountFromOrganization', removeAccountEvent(base, MEMBER)],
    ['CloseAccount', closeAccountEvent(base, MEMBER)],
    ['CloseAccountResult', closeAccountResultEvent(base, MEMBER)],
    ['AcceptHandshake', acceptHandshakeEvent(base, MEMBER, 'o-abcdefghij')],
  ])('reads the account a %s event names', (eventName, event) => {
    expect(organizationEventOf(event)).toEqual({
      eventId: event.detail.eventID,
      eventName,
      accountIds: [MEMBER],
    });
  });

  it('takes the account of the membership events from any *accountId field of their details', () => {
    const joined = organizationsEvent({
      ...base,
      eventName: 'AccountJoinedOrganization',
      serviceEventDetails: { memberAccountId: MEMBER, joinedMethod: 'INVITED' },
    });
    expect(organizationEventOf(joined)?.accountIds).toEqual([MEMBER]);
  });

  it('reads service event details delivered as JSON text', () => {
    const event = createAccountResultEvent(base, MEMBER);
    const asText = {
      ...event,
      detail: { ...event.detail, serviceEventDetails: JSON.stringify(event.detail.serviceEventDetails) },
    };
    expect(organizationEventOf(asText)?.accountIds).toEqual([MEMBER]);
  });

  it('names no account for a failed creation, and ignores failed calls and anything that is not Organizations', () => {
    expect(organizationEventOf(createAccountResultEvent(base, MEMBER, 'FAILED'))?.accountIds).toEqual([]);
    const failed = organizationsEvent({
      ...base,
      eventName: 'MoveAccount',
      requestParameters: { accountId: MEMBER },
      errorCode: 'AccessDeniedException',
    });
    expect(organizationEventOf(failed)).toBeUndefined();
    expect(
      organizationEventOf({ 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} }),
    ).toBeUndefined();
    const other = organizationsEvent({ ...base, eventName: 'CreatePolicy', requestParameters: {} });
    expect(organizationEventOf(other)).toBeUndefined();
  });
});

describe('organization-event-dispatcher handler', () => {
  it('follows a move delivered directly by EventBridge', async () => {
    const world = await enrolledOrganization();
    world.organization.move(A1, [ROOT, OU_B]);
    const handler = makeHandler({ ctx: world.ctx, logger: silentLogger() });
    const event = moveAccountEvent(base, { accountId: A1, sourceParentId: OU_A, destinationParentId: OU_B });
    expect(await handler(event, lambdaContext())).toMatchObject({
      eventName: 'MoveAccount',
      accounts: [{ accountId: A1, action: 'moved' }],
    });
    expect(world.accounts.records.get(A1)?.ouPath).toEqual([ROOT, OU_B]);
  });

  it('answers SQS with only the events to look at again: one still waiting for an enrollment; a body that can never be read is acknowledged with one notice', async () => {
    const world = await enrolledOrganization();
    const record = world.accounts.records.get(A1);
    if (record) record.status = 'ENROLLING';
    const handler = makeHandler({ ctx: world.ctx, logger: silentLogger() });
    const waiting = moveAccountEvent(base, {
      accountId: A1,
      sourceParentId: OU_A,
      destinationParentId: OU_B,
    });
    const unrelated = createAccountResultEvent(base, MEMBER);
    const answer = await handler(
      sqsBatch('scp-alt-organization-events', [waiting, unrelated, 'not json']),
      lambdaContext(),
    );
    const failures = 'batchItemFailures' in answer ? answer.batchItemFailures : [];
    expect(failures.map((failure) => failure.itemIdentifier).sort()).toEqual(['m0']);
    expect(world.notifier.codes()).toEqual(['INPUT_REJECTED']);
  });
});
