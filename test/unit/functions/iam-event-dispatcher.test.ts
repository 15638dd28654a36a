import { describe, expect, it } from 'vitest';
import { iamEventOf } from '#functions/commons/iam-events.ts';
import { makeHandler } from '#functions/iam-event-dispatcher.ts';
import { sqsBatch, cloudTrailEvent as trailEvent } from '../fakes/lambda-events.ts';
import { lambdaContext } from '../fakes/world.ts';
import { ACCOUNT, enrolledWorld as enrolledAccount, handlerDeps, POLICY_ARN } from './handler-setup.ts';

const cloudTrailEvent = (eventId: string, detail: Record<string, unknown>, detailType?: string) =>
  trailEvent(ACCOUNT, eventId, detail, detailType);
const sqs = (...bodies: unknown[]) => sqsBatch('scp-alt-iam', bodies);

async function enrolledWorld() {
  const world = await enrolledAccount();
  world.iam.addPrincipal(ACCOUNT, 'role', 'new-role');
  world.iam.addPrincipal(ACCOUNT, 'user', 'new-user');
  world.iam.calls.length = 0;
  return { world, handler: makeHandler(handlerDeps(world)) };
}

describe('IAM event parsing', () => {
  it('reads account, principal, policy and caller from both detail-type spellings', () => {
    const call = iamEventOf(
      cloudTrailEvent(
        'e1',
        {
          eventName: 'PutUserPermissionsBoundary',
          requestParameters: { userName: 'bob', permissionsBoundary: 'arn:p' },
        },
        'Amazon API Call via CloudTrail',
      ),
    );
    expect(call).toEqual({
      eventId: 'e1',
      eventName: 'PutUserPermissionsBoundary',
      accountId: ACCOUNT,
      principal: { kind: 'user', name: 'bob' },
      policyArn: 'arn:p',
      actorArn: `arn:aws-cn:sts::${ACCOUNT}:assumed-role/Developer/jane`,
    });
    expect(iamEventOf({ 'detail-type': 'Scheduled Event', detail: {} })).toBeUndefined();
  });
});

describe('iam-event-dispatcher handler', () => {
  it('attaches our boundary to a role created without it', async () => {
    const { world, handler } = await enrolledWorld();
    expect(await handler(cloudTrailEvent('e1', {}), lambdaContext())).toEqual({
      action: 'principal',
      outcome: 'attached',
    });
    expect(world.iam.boundaryOf(ACCOUNT, 'role', 'new-role')).toBe(POLICY_ARN);
  });

  it('ignores a duplicate delivery and a failed CloudTrail call without touching IAM', async () => {
    const { world, handler } = await enrolledWorld();
    await handler(cloudTrailEvent('e1', {}), lambdaContext());
    world.iam.calls.length = 0;
    expect(await handler(cloudTrailEvent('e1', {}), lambdaContext())).toMatchObject({
      action: 'ignored',
      reason: 'duplicate event',
    });
    const failed = cloudTrailEvent('e2', {
      eventName: 'CreateUser',
      errorCode: 'AccessDenied',
      requestParameters: { userName: 'new-user' },
    });
    expect(await handler(failed, lambdaContext())).toMatchObject({ action: 'ignored' });
    expect(world.iam.calls).toEqual([]);
    expect(world.iam.boundaryOf(ACCOUNT, 'user', 'new-user')).toBeUndefined();
  });

  it('handles SQS-wrapped events and reports only the failing message', async () => {
    const { world, handler } = await enrolledWorld();
    // Throttled on every try the invocation makes.
    for (let i = 0; i < 3; i++)
      world.iam.failNext(
        'PutUserPermissionsBoundary',
        Object.assign(new Error('throttled'), { name: 'Throttling' }),
      );
    const response = await handler(
      sqs(
        cloudTrailEvent('e1', {}),
        cloudTrailEvent('e2', { eventName: 'CreateUser', requestParameters: { userName: 'new-user' } }),
      ),
      lambdaContext(),
    );
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(world.iam.boundaryOf(ACCOUNT, 'role', 'new-role')).toBe(POLICY_ARN);
    // SQS delivers it again: nothing an operator must act on yet.
    expect(world.notifier.notices).toEqual([]);

    // The redelivered message is not mistaken for a duplicate.
    const retried = await handler(
      sqs(cloudTrailEvent('e2', { eventName: 'CreateUser', requestParameters: { userName: 'new-user' } })),
      lambdaContext(),
    );
    expect(retried).toEqual({ batchItemFailures: [] });
    expect(world.iam.boundaryOf(ACCOUNT, 'user', 'new-user')).toBe(POLICY_ARN);
  });
});
