import { describe, expect, it } from 'vitest';
import { decodeS3Key, policyChangesOf } from '#functions/commons/s3-records.ts';
import { makeHandler } from '#functions/s3-event-dispatcher.ts';
import { s3Notification as s3Event, sqsBatch } from '../fakes/lambda-events.ts';
import { ALLOW_ALL_DENY, lambdaContext, OU_A } from '../fakes/world.ts';
import { ACCOUNT, enrolledWorld as enrolledAccount, handlerDeps } from './handler-setup.ts';

const sqs = (...bodies: unknown[]) => sqsBatch('scp-alt-s3', bodies);

async function enrolledWorld() {
  const world = await enrolledAccount();
  return { world, handler: makeHandler(handlerDeps(world)) };
}

describe('S3 notification parsing', () => {
  it('decodes keys the way S3 encodes them (+ for space, percent escapes)', () => {
    expect(decodeS3Key('permission-boundary-policy/ou-ab12-aaaaaaaa/my+policy%281%29.json')).toBe(
      'permission-boundary-policy/ou-ab12-aaaaaaaa/my policy(1).json',
    );
  });

  it('keeps created and removed objects under the prefix, and drops the S3 test event and other keys', () => {
    expect(policyChangesOf(s3Event('ObjectCreated:Put', 'permission-boundary-policy/r-ab12.json'))).toEqual([
      { key: 'permission-boundary-policy/r-ab12.json', eventKind: 'created' },
    ]);
    expect(
      policyChangesOf(s3Event('ObjectRemoved:DeleteMarkerCreated', 'permission-boundary-policy/r-ab12.json')),
    ).toEqual([{ key: 'permission-boundary-policy/r-ab12.json', eventKind: 'removed' }]);
    expect(policyChangesOf(s3Event('ObjectCreated:Put', 'other/r-ab12.json'))).toEqual([]);
    expect(policyChangesOf({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'b' })).toEqual([]);
  });

  it('keeps a change uploaded over IPv6, whose source address the full powertools S3 record refuses', () => {
    const overIpv6 = s3Event('ObjectCreated:Put', 'permission-boundary-policy/r-ab12.json', '2001:db8::7');
    expect(policyChangesOf(overIpv6)).toEqual([
      { key: 'permission-boundary-policy/r-ab12.json', eventKind: 'created' },
    ]);
  });
});

describe('s3-event-dispatcher handler', () => {
  it('applies a direct S3 notification to the accounts the file reaches', async () => {
    const { world, handler } = await enrolledWorld();
    world.policyStore.put(`${OU_A}.json`, ALLOW_ALL_DENY('ec2:TerminateInstances'));
    await handler(s3Event('ObjectCreated:Put', `permission-boundary-policy/${OU_A}.json`), lambdaContext());
    expect(JSON.stringify(world.iam.currentDocument(ACCOUNT))).toContain('ec2:TerminateInstances');
  });

  it('acknowledges an SQS message whose body is not JSON, naming it in one notice, and applies the rest', async () => {
    const { world, handler } = await enrolledWorld();
    world.policyStore.put(`${OU_A}.json`, ALLOW_ALL_DENY('ec2:TerminateInstances'));
    const response = await handler(
      sqs(s3Event('ObjectCreated:Put', `permission-boundary-policy/${OU_A}.json`), 'not json', {
        Event: 's3:TestEvent',
      }),
      lambdaContext(),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(world.notifier.notices).toEqual([
      expect.objectContaining({ code: 'INPUT_REJECTED', reason: expect.stringContaining('m1') }),
    ]);
    expect(JSON.stringify(world.iam.currentDocument(ACCOUNT))).toContain('ec2:TerminateInstances');
  });

  it('fails the message when the store cannot be listed, so SQS retries it', async () => {
    const { world, handler } = await enrolledWorld();
    world.ctx.ports.policyStore.listPolicyObjects = async () => {
      throw Object.assign(new Error('slow down'), { name: 'SlowDown' });
    };
    const response = await handler(
      sqs(s3Event('ObjectRemoved:Delete', `permission-boundary-policy/${OU_A}.json`)),
      lambdaContext(),
    );
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }] });
  });
});
