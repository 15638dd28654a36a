/**
 * Alerts people can act on: a record SQS will deliver again is not notified; its last receive is
 * (the message then goes to the dead-letter queue); one invocation sends one notice naming every
 * record; and the IAM event dispatcher stops starting records before its deadline.
 */
import type { Context, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { makeHandler } from '#functions/iam-event-dispatcher.ts';
import { makeHandler as makeS3EventDispatcher } from '#functions/s3-event-dispatcher.ts';
import { cloudTrailEvent, s3Notification, sqsBatch } from '../fakes/lambda-events.ts';
import { lambdaContext } from '../fakes/world.ts';
import { ACCOUNT, enrolledWorld, handlerDeps, POLICY_ARN } from './handler-setup.ts';

const throttling = () => Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
const denied = () => Object.assign(new Error('not authorized'), { name: 'AccessDenied' });

const createRole = (eventId: string, roleName: string) =>
  cloudTrailEvent(ACCOUNT, eventId, { requestParameters: { roleName } });

/** The batch as SQS hands it over on the given receive of every message. */
function onReceive(receive: number, bodies: unknown[]): SQSEvent {
  const batch = sqsBatch('scp-alt-iam', bodies);
  for (const record of batch.Records) record.attributes.ApproximateReceiveCount = String(receive);
  return batch;
}

async function world(roles: string[]) {
  const enrolled = await enrolledWorld();
  for (const role of roles) enrolled.iam.addPrincipal(ACCOUNT, 'role', role);
  enrolled.notifier.notices.length = 0;
  return enrolled;
}

describe('iam-event-dispatcher on SQS', () => {
  it('Given one throttling refusal, Then the record waits it out within the invocation', async () => {
    const w = await world(['r1']);
    w.iam.failNext('PutRolePermissionsBoundary', throttling());
    const answer = await makeHandler(handlerDeps(w))(onReceive(1, [createRole('e1', 'r1')]), lambdaContext());
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(w.iam.boundaryOf(ACCOUNT, 'role', 'r1')).toBe(POLICY_ARN);
    expect(w.notifier.notices).toEqual([]);
  });

  it('Given throttling that outlasts the retries, When it is not the last receive, Then the record comes back and nobody is told', async () => {
    const w = await world(['r1']);
    for (let i = 0; i < 3; i++) w.iam.failNext('PutRolePermissionsBoundary', throttling());
    const handler = makeHandler(handlerDeps(w));
    const answer = await handler(onReceive(4, [createRole('e1', 'r1')]), lambdaContext());
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }] });
    expect(w.notifier.notices).toEqual([]);
  });

  it('Given the same on the last receive, Then one notice says it is dead-lettered', async () => {
    const w = await world(['r1']);
    for (let i = 0; i < 3; i++) w.iam.failNext('PutRolePermissionsBoundary', throttling());
    const handler = makeHandler({ ...handlerDeps(w), maxReceiveCount: 5 });
    const answer = await handler(onReceive(5, [createRole('e1', 'r1')]), lambdaContext());
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }] });
    expect(w.notifier.notices).toHaveLength(1);
    expect(w.notifier.notices[0]).toMatchObject({ accountId: ACCOUNT, step: 'iam-event CreateRole' });
    expect(w.notifier.notices[0]?.details?.join('\n')).toMatch(/receive 5 of 5.*dead-letter/);
  });

  it('Given several records failing on their last receive, Then one notice names each of them', async () => {
    const w = await world(['r1', 'r2', 'r3']);
    for (let i = 0; i < 9; i++) w.iam.failNext('PutRolePermissionsBoundary', throttling());
    const handler = makeHandler(handlerDeps(w));
    const events = [createRole('e1', 'r1'), createRole('e2', 'r2'), createRole('e3', 'r3')];
    const answer = await handler(onReceive(5, events), lambdaContext());
    expect(answer).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm0' }, { itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }],
    });
    expect(w.notifier.notices).toHaveLength(1);
    const text = w.notifier.notices[0]?.details?.join('\n') ?? '';
    for (const id of ['m0', 'm1', 'm2']) expect(text).toContain(`SQS message ${id}`);
    expect(w.notifier.notices[0]).toMatchObject({ code: 'AWS_CALL_FAILED', accountId: ACCOUNT });
  });

  it('Given a failure no retry can fix (access denied), Then it is acknowledged with one notice at once', async () => {
    const w = await world(['r1']);
    w.iam.failNext('PutRolePermissionsBoundary', denied());
    const handler = makeHandler(handlerDeps(w));
    const answer = await handler(onReceive(1, [createRole('e1', 'r1')]), lambdaContext());
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(w.notifier.codes()).toEqual(['ACCESS_DENIED']);
  });

  it('Given a throttling burst, When SQS delivers the records again and they succeed, Then every role is bounded and nobody is told', async () => {
    const w = await world(['r1', 'r2']);
    // Six refusals: both records' three tries within the invocation.
    for (let i = 0; i < 6; i++) w.iam.failNext('PutRolePermissionsBoundary', throttling());
    const handler = makeHandler(handlerDeps(w));
    const events = [createRole('e1', 'r1'), createRole('e2', 'r2')];
    const first = await handler(onReceive(1, events), lambdaContext());
    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }, { itemIdentifier: 'm1' }] });
    const second = await handler(onReceive(2, events), lambdaContext());
    expect(second).toEqual({ batchItemFailures: [] });
    expect(w.iam.boundaryOf(ACCOUNT, 'role', 'r1')).toBe(POLICY_ARN);
    expect(w.iam.boundaryOf(ACCOUNT, 'role', 'r2')).toBe(POLICY_ARN);
    expect(w.notifier.notices).toEqual([]);
  });
});

describe('iam-event-dispatcher deadline', () => {
  /** A Lambda context whose clock advances 10 s with every boundary attached. */
  function slowAccount(w: Awaited<ReturnType<typeof world>>, timeoutMs: number) {
    let remaining = timeoutMs;
    const attach = w.iam.attachBoundary.bind(w.iam);
    w.iam.attachBoundary = async (...args) => {
      remaining -= 10_000;
      return attach(...args);
    };
    const context: Context = { ...lambdaContext(), getRemainingTimeInMillis: () => remaining };
    return context;
  }

  it('Given a batch that would outrun the timeout, Then records not started are handed back, none is lost', async () => {
    const roles = Array.from({ length: 10 }, (_, i) => `role-${i}`);
    const w = await world(roles);
    const context = slowAccount(w, 60_000);
    const handler = makeHandler({ ...handlerDeps(w), recordConcurrency: 1 });
    const answer = await handler(
      onReceive(
        1,
        roles.map((role, i) => createRole(`e${i}`, role)),
      ),
      context,
    );
    // Records start while more than the 15 s margin is left: five of 10 s each, five go back to SQS.
    const handedBack = (answer as { batchItemFailures: { itemIdentifier: string }[] }).batchItemFailures;
    expect(handedBack.map((item) => item.itemIdentifier)).toEqual(['m5', 'm6', 'm7', 'm8', 'm9']);
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    const bound = roles.filter((role) => w.iam.boundaryOf(ACCOUNT, 'role', role) === POLICY_ARN);
    expect(bound).toEqual(roles.slice(0, 5));
    expect(w.notifier.notices).toEqual([]);
  });

  it('Given records handed back on their last receive, Then one notice names them', async () => {
    const roles = ['role-0', 'role-1', 'role-2'];
    const w = await world(roles);
    // A 10 s invocation keeps a quarter in reserve: the first record uses the rest.
    const context = slowAccount(w, 10_000);
    const handler = makeHandler({ ...handlerDeps(w), recordConcurrency: 1 });
    const answer = await handler(
      onReceive(
        5,
        roles.map((role, i) => createRole(`e${i}`, role)),
      ),
      context,
    );
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }] });
    expect(w.notifier.notices).toEqual([
      expect.objectContaining({
        code: 'DEADLINE_EXCEEDED',
        details: ['SQS message m1: receive 5', 'SQS message m2: receive 5'],
      }),
    ]);
  });
});

describe("Lambda's retries of a direct invocation", () => {
  it('Given S3 cannot be read, When Lambda runs the event three times, Then it is rethrown each time and notified once', async () => {
    const w = await world([]);
    w.ctx.ports.accounts.listAll = async () => {
      throw Object.assign(new Error('slow down'), { name: 'SlowDown' });
    };
    const handler = makeS3EventDispatcher(handlerDeps(w));
    const event = s3Notification('ObjectCreated:Put', 'permission-boundary-policy/r-ab12.json');
    for (let attempt = 0; attempt < 3; attempt++) {
      await expect(handler(event, lambdaContext())).rejects.toMatchObject({ name: 'SlowDown' });
    }
    expect(w.notifier.notices).toEqual([
      expect.objectContaining({ step: 'read-policy', reason: expect.stringContaining('slow down') }),
    ]);
  });
});
