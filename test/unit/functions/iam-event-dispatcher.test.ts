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
      source: 'aws.iam',
      senderAccountId: ACCOUNT,
      principal: { kind: 'user', name: 'bob' },
      policyArn: 'arn:p',
      actorArn: `arn:aws-cn:sts::${ACCOUNT}:assumed-role/Developer/jane`,
    });
    expect(iamEventOf({ 'detail-type': 'Scheduled Event', detail: {} })).toBeUndefined();
  });

  it("reads the source identity of the caller's session", () => {
    const call = iamEventOf(
      cloudTrailEvent('e1', {
        userIdentity: {
          type: 'AssumedRole',
          arn: `arn:aws-cn:sts::${ACCOUNT}:assumed-role/OrganizationAccountAccessRole/s`,
          sessionContext: { sourceIdentity: 'scp-alt-reconciler', attributes: {} },
        },
      }),
    );
    expect(call?.sourceIdentity).toBe('scp-alt-reconciler');
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

  it('ignores a duplicate delivery, and a failed CloudTrail call changes nothing in IAM', async () => {
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
    expect(await handler(failed, lambdaContext())).toEqual({
      action: 'attempt-denied',
      errorCode: 'AccessDenied',
    });
    expect(world.iam.calls).toEqual([]);
    expect(world.iam.boundaryOf(ACCOUNT, 'user', 'new-user')).toBeUndefined();
  });

  it('reports the failed attempts and the forged events of one invocation in one notice each', async () => {
    const { world, handler } = await enrolledWorld();
    const attempt = (id: string, eventName: string) =>
      cloudTrailEvent(id, { eventName, errorCode: 'AccessDenied', requestParameters: { roleName: 'x' } });
    const forged = { ...cloudTrailEvent('f1', {}), account: '222222222222' };

    const response = await handler(
      sqs(attempt('a1', 'DeleteRolePermissionsBoundary'), attempt('a2', 'CreateRole'), forged),
      lambdaContext(),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    const codes = world.notifier.notices.map((notice) => notice.code);
    expect(codes.filter((code) => code === 'TAMPER_ATTEMPT_DENIED')).toHaveLength(1);
    expect(codes.filter((code) => code === 'FORGED_EVENT_REFUSED')).toHaveLength(1);
    const attempts = world.notifier.notices.find((notice) => notice.code === 'TAMPER_ATTEMPT_DENIED');
    expect(attempts).toMatchObject({ accountId: ACCOUNT, reason: '2 call(s) against the boundary failed' });
    expect(attempts?.details).toEqual([
      expect.stringContaining('DeleteRolePermissionsBoundary on role/x by arn:aws-cn:sts::'),
      expect.stringContaining('CreateRole on role/x'),
    ]);
    expect(world.notifier.notices.find((notice) => notice.code === 'FORGED_EVENT_REFUSED')?.details).toEqual([
      `CreateRole f1 for account ${ACCOUNT}: sent by account '222222222222' for account ${ACCOUNT}`,
    ]);
    expect(world.iam.calls).toEqual([]);
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
