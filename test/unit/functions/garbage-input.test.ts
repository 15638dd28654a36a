/**
 * Input that can never succeed, at every entry point, delivered directly and wrapped in SQS: the
 * handler returns normally (a throw would make Lambda or SQS run it again), one notice names what
 * was wrong, nothing is handed back for redelivery, and no boundary changes.
 */
import { describe, expect, it } from 'vitest';
import { makeHandler as makeAccountRegister } from '#functions/account-register.ts';
import { makeHandler as makeIamEventDispatcher } from '#functions/iam-event-dispatcher.ts';
import { makeHandler as makeReconciler } from '#functions/reconciler.ts';
import { makeHandler as makeS3EventDispatcher } from '#functions/s3-event-dispatcher.ts';
import { cloudFormationRequest } from '../fakes/cfn-requests.ts';
import { cloudTrailEvent, s3Notification, sqsBatch } from '../fakes/lambda-events.ts';
import { lambdaContext, type World } from '../fakes/world.ts';
import { ACCOUNT, enrolledWorld, handlerDeps, POLICY_ARN } from './handler-setup.ts';

const NESTED = 100_000;
const deepArray = `${'['.repeat(NESTED)}${']'.repeat(NESTED)}`;
const deepObject = `${'{"a":'.repeat(NESTED)}1${'}'.repeat(NESTED)}`;

/** Shapes no entry point can do anything with. */
const SHAPELESS: [string, unknown][] = [
  ['{}', {}],
  ['null', null],
  ['[]', []],
  ['a string', 'hello'],
  ['a number', 42],
  ['{"Records":[null]}', { Records: [null] }],
  ['{"Records":[]}', { Records: [] }],
  ['{"Records":"x"}', { Records: 'x' }],
];

/** SQS bodies that are not a JSON object, or not a record at all. */
const SQS_GARBAGE: [string, unknown][] = [
  ['a body that is not JSON', sqsBatch('q', ['not json {'])],
  ['a body that is JSON null', sqsBatch('q', ['null'])],
  ['a body that is a JSON array', sqsBatch('q', ['[1,2]'])],
  ['a body that is a JSON string', sqsBatch('q', ['"text"'])],
  ['a body nested 100,000 deep (array)', sqsBatch('q', [deepArray])],
  ['a body nested 100,000 deep (object)', sqsBatch('q', [deepObject])],
  ['a body that is an empty object', sqsBatch('q', [{}])],
  ['a record without a body', { Records: [{ messageId: 'm0', eventSource: 'aws:sqs' }] }],
];

interface BoundaryState {
  document: string;
  roleBoundary: string | undefined;
  userBoundary: string | undefined;
  writes: number;
}

function boundaryState(world: World): BoundaryState {
  return {
    document: JSON.stringify(world.iam.currentDocument(ACCOUNT)),
    roleBoundary: world.iam.boundaryOf(ACCOUNT, 'role', 'app-role'),
    userBoundary: world.iam.boundaryOf(ACCOUNT, 'user', 'alice'),
    writes: world.iam.writes().length,
  };
}

type Invoke = (world: World, event: unknown) => Promise<unknown>;

const ENTRY_POINTS: [string, Invoke][] = [
  [
    's3-event-dispatcher',
    (world, event) => makeS3EventDispatcher(handlerDeps(world))(event, lambdaContext()),
  ],
  [
    'iam-event-dispatcher',
    (world, event) => makeIamEventDispatcher(handlerDeps(world))(event, lambdaContext()),
  ],
];

/** Runs `invoke` on an enrolled world and checks the entry rule; returns the answer and the notice. */
async function expectRejectedOnce(invoke: Invoke, event: unknown) {
  const world = await enrolledWorld();
  world.notifier.notices.length = 0;
  world.iam.calls.length = 0;
  const before = boundaryState(world);
  const answer = await invoke(world, event);
  expect(world.notifier.notices).toHaveLength(1);
  const notice = world.notifier.notices[0];
  expect(notice?.code).toBe('INPUT_REJECTED');
  expect(boundaryState(world)).toEqual(before);
  expect(before.roleBoundary).toBe(POLICY_ARN);
  return { answer, notice, world };
}

describe.each(ENTRY_POINTS)('%s', (_name, invoke) => {
  it.each(SHAPELESS)(
    'Given %s delivered directly, Then one notice and nothing retried',
    async (_shape, event) => {
      const { answer, notice } = await expectRejectedOnce(invoke, event);
      if (answer && typeof answer === 'object' && 'batchItemFailures' in answer) {
        expect(answer).toEqual({ batchItemFailures: [] });
      }
      expect(notice?.reason.length).toBeGreaterThan(10);
    },
  );

  it.each(SQS_GARBAGE)(
    'Given an SQS record with %s, Then it is acknowledged with one notice',
    async (_shape, event) => {
      const { answer, notice } = await expectRejectedOnce(invoke, event);
      expect(answer).toEqual({ batchItemFailures: [] });
      expect(JSON.stringify(notice)).toContain('m0');
    },
  );
});

describe('s3-event-dispatcher specifics', () => {
  const dispatch: Invoke = (world, event) =>
    makeS3EventDispatcher(handlerDeps(world))(event, lambdaContext());

  it('Given a key that is not valid percent-encoding, Then the notice names the key', async () => {
    const event = s3Notification('ObjectCreated:Put', 'permission-boundary-policy/x.json');
    const record = event.Records[0];
    if (record) record.s3.object.key = 'permission-boundary-policy/%E0%A4%A.json';
    const { notice } = await expectRejectedOnce(dispatch, event);
    expect(notice?.details?.join(' ')).toContain('%E0%A4%A');
  });

  it('Given one good and one broken record, Then the good one is applied and the broken one named', async () => {
    const world = await enrolledWorld();
    world.notifier.notices.length = 0;
    world.policyStore.put('r-ab12.json', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Deny', Action: 'ec2:DeleteVpc', Resource: '*' },
      ],
    });
    const good = s3Notification('ObjectCreated:Put', 'permission-boundary-policy/r-ab12.json');
    const answer = await dispatch(world, { Records: [...good.Records, { eventName: 'x' }] });
    expect(Array.isArray(answer)).toBe(true);
    expect(JSON.stringify(world.iam.currentDocument(ACCOUNT))).toContain('ec2:DeleteVpc');
    expect(world.notifier.notices).toEqual([
      expect.objectContaining({ code: 'INPUT_REJECTED', details: [expect.stringMatching(/^record 1:/)] }),
    ]);
  });

  it('Given the S3 test event, Then nothing is done and nobody is told', async () => {
    const world = await enrolledWorld();
    world.notifier.notices.length = 0;
    await dispatch(world, { Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'b' });
    expect(world.notifier.notices).toEqual([]);
  });
});

describe('iam-event-dispatcher specifics', () => {
  const dispatch: Invoke = (world, event) =>
    makeIamEventDispatcher(handlerDeps(world))(event, lambdaContext());

  it.each([
    [
      'another detail-type',
      cloudTrailEvent(ACCOUNT, 'e1', {}, 'Scheduled Event'),
      /detail-type "Scheduled Event"/,
    ],
    ['another source and no CloudTrail record', { source: 'aws.s3', detail: {} }, /source "aws.s3"/],
    ['no detail', { ...cloudTrailEvent(ACCOUNT, 'e3', {}), detail: null }, /detail/],
  ])('Given an EventBridge event of %s, Then the notice says what is wrong', async (_what, event, why) => {
    const { notice } = await expectRejectedOnce(dispatch, event);
    expect(notice?.reason).toMatch(why);
  });

  it('Given a CloudTrail record under another source, Then it is refused as forged, once, and nothing changes', async () => {
    const world = await enrolledWorld();
    world.notifier.notices.length = 0;
    world.iam.calls.length = 0;
    const before = boundaryState(world);
    const answer = await dispatch(world, { ...cloudTrailEvent(ACCOUNT, 'e2', {}), source: 'aws.s3' });
    expect(answer).toEqual({ action: 'refused', reason: "source 'aws.s3' is not aws.iam" });
    expect(world.notifier.notices.map((notice) => notice.code)).toEqual(['FORGED_EVENT_REFUSED']);
    expect(boundaryState(world)).toEqual(before);
  });

  it('Given the same garbage wrapped in SQS, Then it is acknowledged, not handed back', async () => {
    const event = sqsBatch('q', [cloudTrailEvent(ACCOUNT, 'e1', {}, 'Scheduled Event')]);
    const { answer } = await expectRejectedOnce(dispatch, event);
    expect(answer).toEqual({ batchItemFailures: [] });
  });
});

describe('account-register', () => {
  function registerWith(sent: string[]): Invoke {
    return (world, event) =>
      makeAccountRegister({
        ...handlerDeps(world),
        putResponse: async (url) => {
          sent.push(url);
        },
      })(event, lambdaContext());
  }
  const answerable = cloudFormationRequest(
    'Create',
    { MemberAccountID: ACCOUNT, OrganizationUnitID: 'ou-ab12-aaaaaaaa' },
    { RequestId: 'req-7' },
  );

  it.each([
    ...SHAPELESS,
    ['no ResponseURL', { ...answerable, ResponseURL: undefined }],
    ['a ResponseURL that is no URL', { ...answerable, ResponseURL: 'not a url', RequestType: 'Bogus' }],
    ['a valid Create whose ResponseURL is no URL', { ...answerable, ResponseURL: 'not a url' }],
  ])('Given %s, Then it returns normally with one notice and cannot answer', async (_shape, event) => {
    const sent: string[] = [];
    const { answer, notice } = await expectRejectedOnce(registerWith(sent), event);
    expect(answer).toMatchObject({ status: 'FAILED' });
    expect(notice?.reason).toMatch(/malformed CloudFormation request/);
    expect(sent).toEqual([]);
  });

  it('Given RequestType "Bogus" with a ResponseURL, Then it is answered FAILED once and notified once', async () => {
    const sent: string[] = [];
    const { answer, notice } = await expectRejectedOnce(registerWith(sent), {
      ...answerable,
      RequestType: 'Bogus',
    });
    expect(answer).toMatchObject({ status: 'FAILED', physicalResourceId: 'not-enrolled-req-7' });
    expect(notice?.reason).toMatch(/RequestType/);
    expect(sent).toEqual([answerable.ResponseURL]);
  });
});

describe('reconciler', () => {
  const reconcile: Invoke = (world, event) => makeReconciler(handlerDeps(world))(event, lambdaContext());

  it.each([
    ['null', null],
    ['[]', []],
    ['a string', 'reconcile please'],
    ['an unknown key', { reconcileEverything: true }],
    ['a replay that is not an object', { replay: 'all' }],
    ['a replay of an account id that is not 12 digits', { replay: { accountId: '123' } }],
  ])('Given %s, Then nothing runs, one notice, and it returns normally', async (_shape, event) => {
    const { answer, notice, world } = await expectRejectedOnce(reconcile, event);
    expect(answer).toMatchObject({ checked: 0, drifted: [], rejected: { code: 'INPUT_REJECTED' } });
    expect(notice?.reason).toMatch(/schedule event/);
    expect(world.iam.calls).toEqual([]);
  });

  it('Given the schedule rule event or {}, Then it reconciles', async () => {
    const world = await enrolledWorld();
    const scheduled = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };
    for (const event of [scheduled, {}]) {
      expect(await reconcile(world, event)).toMatchObject({ checked: 1, drifted: [] });
    }
  });
});
