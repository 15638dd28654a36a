/**
 * The caps on a policy file (size, nesting) stop it at validation at every entry point, before
 * any account's policy is compiled or written: the deployed boundary stays, one notice names the
 * file and the cap, and the handler returns normally (nothing for Lambda or SQS to retry).
 */
import { describe, expect, it } from 'vitest';
import { makeHandler as makeAccountRegister } from '#functions/account-register.ts';
import { makeHandler as makeIamEventDispatcher } from '#functions/iam-event-dispatcher.ts';
import { makeHandler as makeReconciler } from '#functions/reconciler.ts';
import { makeHandler as makeS3EventDispatcher } from '#functions/s3-event-dispatcher.ts';
import type { PolicyChangeResult } from '#usecases/policy-change.ts';
import { cloudFormationRequest } from '../fakes/cfn-requests.ts';
import { cloudTrailEvent, s3Notification, sqsBatch } from '../fakes/lambda-events.ts';
import { addMemberAccount, lambdaContext, OU_A, ROOT, type World } from '../fakes/world.ts';
import { ACCOUNT, enrolledWorld, handlerDeps, POLICY_ARN } from './handler-setup.ts';

const NESTED = 100_000;
/** 100,000 levels deep: JSON.stringify or a recursive walk of it overflows the stack. */
const deepFile = () => `{"Version":"2012-10-17","Statement":${'['.repeat(NESTED)}${']'.repeat(NESTED)}}`;
/** About 5 MB: 49,671 ordinary statements, as in the chaos run that found the cap missing. */
const hugeFile = () =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: Array.from({ length: 49_671 }, (_, i) => ({
      Sid: `Deny${i}`,
      Effect: 'Deny',
      Action: 's3:GetObject',
      Resource: `arn:aws-cn:s3:::bucket-${String(i).padStart(6, '0')}/*`,
    })),
  });

const CAPS: [string, () => string, string][] = [
  ['nested 100,000 deep', deepFile, 'policy.file.too-deep'],
  ['of 5 MB', hugeFile, 'policy.file.too-large'],
];

const OTHER = '222222222222';
const OU_KEY = `permission-boundary-policy/${OU_A}.json`;

async function worldWith(body: string): Promise<World> {
  const world = await enrolledWorld();
  world.policyStore.put(`${OU_A}.json`, body);
  world.notifier.notices.length = 0;
  world.iam.calls.length = 0;
  return world;
}

function expectOneNoticeNaming(world: World, code: string) {
  expect(world.notifier.notices).toHaveLength(1);
  expect(JSON.stringify(world.notifier.notices[0])).toContain(code);
}

function expectBoundaryKept(world: World, before: string) {
  expect(JSON.stringify(world.iam.currentDocument(ACCOUNT))).toBe(before);
  expect(world.iam.writes(ACCOUNT)).toEqual([]);
  expect(world.iam.boundaryOf(ACCOUNT, 'role', 'app-role')).toBe(POLICY_ARN);
}

describe.each(CAPS)('a policy file %s', (_what, body, code) => {
  it('s3-event-dispatcher: rejected at validation, no account touched (direct and via SQS)', async () => {
    for (const wrap of [(event: unknown) => event, (event: unknown) => sqsBatch('q', [event])]) {
      const world = await worldWith(body());
      const before = JSON.stringify(world.iam.currentDocument(ACCOUNT));
      const handler = makeS3EventDispatcher(handlerDeps(world));
      const answer = await handler(wrap(s3Notification('ObjectCreated:Put', OU_KEY)), lambdaContext());
      if (Array.isArray(answer)) {
        const [result] = answer as PolicyChangeResult[];
        expect(result?.accounts).toEqual([]);
        expect(result?.rejected?.map((finding) => finding.code)).toEqual([code]);
      } else {
        expect(answer).toEqual({ batchItemFailures: [] });
      }
      expect(world.iam.calls).toEqual([]);
      expectBoundaryKept(world, before);
      expectOneNoticeNaming(world, code);
    }
  });

  it('account-register: Create answers FAILED naming the cap, nothing is created in the account', async () => {
    const world = await worldWith(body());
    addMemberAccount(world, OTHER, [ROOT, OU_A]);
    const sent: Record<string, unknown>[] = [];
    const handler = makeAccountRegister({
      ...handlerDeps(world),
      putResponse: async (_url, text) => {
        sent.push(JSON.parse(text));
      },
    });
    await handler(
      cloudFormationRequest('Create', { MemberAccountID: OTHER, OrganizationUnitID: OU_A }),
      lambdaContext(),
    );
    expect(sent).toEqual([expect.objectContaining({ Status: 'FAILED' })]);
    expect(String(sent[0]?.Reason)).toContain('POLICY_INVALID');
    expect(world.iam.writes(OTHER)).toEqual([]);
    expect(world.iam.currentDocument(OTHER)).toBeUndefined();
    expectOneNoticeNaming(world, code);
  });

  it('iam-event-dispatcher: a tampering repair keeps the deployed boundary and tells once', async () => {
    const world = await worldWith(body());
    const before = JSON.stringify(world.iam.currentDocument(ACCOUNT));
    const handler = makeIamEventDispatcher(handlerDeps(world));
    const tampering = cloudTrailEvent(ACCOUNT, 'e-tamper', {
      eventName: 'CreatePolicyVersion',
      requestParameters: { policyArn: POLICY_ARN, setAsDefault: true },
    });
    const answer = await handler(sqsBatch('q', [tampering]), lambdaContext());
    expect(answer).toEqual({ batchItemFailures: [] });
    expectBoundaryKept(world, before);
    expect(world.accounts.records.get(ACCOUNT)?.status).toBe('FAILED');
    expectOneNoticeNaming(world, code);
  });

  it('reconciler: the account keeps its boundary, one summary names the cap', async () => {
    const world = await worldWith(body());
    const before = JSON.stringify(world.iam.currentDocument(ACCOUNT));
    const report = await makeReconciler(handlerDeps(world))({}, lambdaContext());
    expect(report.drifted.map((drift) => drift.accountId)).toEqual([ACCOUNT]);
    expectBoundaryKept(world, before);
    expectOneNoticeNaming(world, code);
  });
});
