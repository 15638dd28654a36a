import { describe, expect, it } from 'vitest';
import { makeHandler } from '#functions/account-register.ts';
import { cloudFormationResponseHosts } from '#functions/commons/cfn-origin.ts';
import { putResponse } from '#functions/commons/cfn-response.ts';
import { cloudFormationRequest, FUNCTION_ARN, RESPONSE_URL, STACK_ID } from '../fakes/cfn-requests.ts';
import {
  ALLOW_ALL_DENY,
  addMemberAccount,
  lambdaContext,
  makeWorld,
  OU_A,
  OU_B,
  ROOT,
  silentLogger,
  type World,
} from '../fakes/world.ts';

const ACCOUNT = '111111111111';
const OTHER = '222222222222';

interface Sent {
  url: string;
  body: Record<string, unknown>;
}

function setup(world: World = makeWorld(), deadlineMarginMs?: number) {
  const sent: Sent[] = [];
  const handler = makeHandler({
    ctx: world.ctx,
    logger: silentLogger(),
    putResponse: async (url, body) => {
      sent.push({ url, body: JSON.parse(body) });
    },
    ...(deadlineMarginMs === undefined ? {} : { deadlineMarginMs }),
  });
  return { world, handler, sent };
}

function memberWorld(): World {
  const world = makeWorld();
  for (const id of [ACCOUNT, OTHER]) addMemberAccount(world, id, [ROOT, OU_A]);
  world.policyStore.put(`${ROOT}.json`, ALLOW_ALL_DENY('s3:DeleteBucket'));
  return world;
}

const request = (
  type: 'Create' | 'Update' | 'Delete',
  props: Record<string, string>,
  extra: Record<string, unknown> = {},
) => cloudFormationRequest(type, props, extra);
const props = (account = ACCOUNT, ou = OU_A) => ({
  MemberAccountID: account,
  OrganizationUnitID: ou,
  CreateCloudTrail: 'no',
});

describe('account-register handler', () => {
  it('Create enrolls the account and answers SUCCESS with the account id as physical id', async () => {
    const { world, handler, sent } = setup(memberWorld());
    await handler(request('Create', props()), lambdaContext());
    expect(sent).toHaveLength(1);
    expect(sent[0]?.url).toBe(RESPONSE_URL);
    expect(sent[0]?.body).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: ACCOUNT,
      RequestId: 'req-1',
      LogicalResourceId: 'Registration',
      Data: { PolicyArn: `arn:aws-cn:iam::${ACCOUNT}:policy/scp-enforce-policy` },
    });
    expect(world.accounts.records.get(ACCOUNT)?.status).toBe('ACTIVE');
  });

  it('invalid properties → FAILED with a readable reason, and a physical id whose Delete deregisters nobody', async () => {
    const { world, handler, sent } = setup(memberWorld());
    await handler(request('Create', props('12345', 'ou-bad')), lambdaContext());
    expect(sent[0]?.body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'not-enrolled-req-1' });
    expect(String(sent[0]?.body.Reason)).toContain('MemberAccountID must be a 12-digit account id');

    await handler(
      request('Delete', props('12345', 'ou-bad'), { PhysicalResourceId: 'not-enrolled-req-1' }),
      lambdaContext(),
    );
    expect(sent[1]?.body).toMatchObject({ Status: 'SUCCESS' });
    expect(world.iam.calls).toEqual([]);
  });

  it('answers FAILED even on an unexpected error inside a port', async () => {
    const world = memberWorld();
    world.ctx.ports.policyStore.listPolicyObjects = async () => {
      throw new TypeError('boom');
    };
    const { handler, sent } = setup(world);
    await handler(request('Create', props()), lambdaContext());
    expect(sent[0]?.body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: ACCOUNT });
    expect(String(sent[0]?.body.Reason)).toContain('boom');
  });

  it('answers FAILED before the Lambda timeout when the work hangs', async () => {
    const world = memberWorld();
    world.ctx.ports.organization.ouPathOf = () => new Promise(() => undefined);
    const { handler, sent } = setup(world, 10_000);
    await handler(request('Create', props()), lambdaContext(10_050));
    expect(sent[0]?.body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: ACCOUNT });
    expect(String(sent[0]?.body.Reason)).toContain('DEADLINE_EXCEEDED');
    expect(world.notifier.codes()).toContain('DEADLINE_EXCEEDED');
  });

  it('refusing the security account answers FAILED; the rollback Delete then succeeds without touching anything', async () => {
    const { world, handler, sent } = setup(memberWorld());
    await handler(request('Create', props(world.settings.securityAccountId)), lambdaContext());
    const physical = String(sent[0]?.body.PhysicalResourceId);
    expect(sent[0]?.body.Status).toBe('FAILED');
    await handler(
      request('Delete', props(world.settings.securityAccountId), { PhysicalResourceId: physical }),
      lambdaContext(),
    );
    expect(sent[1]?.body.Status).toBe('SUCCESS');
    expect(world.iam.calls).toEqual([]);
  });

  it('Delete of a resource whose Create FAILED succeeds even when cleanup in the account fails', async () => {
    const world = memberWorld();
    world.policyStore.remove(`${ROOT}.json`);
    const { handler, sent } = setup(world);
    await handler(request('Create', props()), lambdaContext());
    expect(sent[0]?.body.Status).toBe('FAILED');
    world.iam.failNext('ListUsers', Object.assign(new Error('no access'), { name: 'AccessDenied' }));
    const noticesBefore = world.notifier.notices.length;
    await handler(request('Delete', props(), { PhysicalResourceId: ACCOUNT }), lambdaContext());
    expect(sent[1]?.body.Status).toBe('SUCCESS');
    // One notice for the request: the denied call and the cleanup left undone, each on its line.
    const notices = world.notifier.notices.slice(noticesBefore);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.details?.join('\n')).toMatch(/ACCESS_DENIED[\s\S]*CLEANUP_INCOMPLETE/);
  });

  it('Delete deregisters an enrolled account even if its policy file is gone', async () => {
    const { world, handler, sent } = setup(memberWorld());
    await handler(request('Create', props()), lambdaContext());
    world.policyStore.remove(`${ROOT}.json`);
    await handler(request('Delete', props(), { PhysicalResourceId: ACCOUNT }), lambdaContext());
    expect(sent[1]?.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ACCOUNT });
    expect(world.accounts.records.has(ACCOUNT)).toBe(false);
    expect(world.iam.boundaryOf(ACCOUNT, 'role', 'app-role')).toBeUndefined();
  });

  it('Update to another account enrolls the new one and deregisters the old one', async () => {
    const { world, handler, sent } = setup(memberWorld());
    await handler(request('Create', props()), lambdaContext());
    await handler(
      request('Update', props(OTHER), { PhysicalResourceId: ACCOUNT, OldResourceProperties: props() }),
      lambdaContext(),
    );
    expect(sent[1]?.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: OTHER });
    expect(world.accounts.records.has(ACCOUNT)).toBe(false);
    expect(world.accounts.records.get(OTHER)?.status).toBe('ACTIVE');
  });

  it('Update of the OU of the same account re-enrolls it under the new OU', async () => {
    const world = memberWorld();
    const { handler, sent } = setup(world);
    await handler(request('Create', props()), lambdaContext());
    world.organization.paths.set(ACCOUNT, [ROOT, OU_B]);
    await handler(
      request('Update', props(ACCOUNT, OU_B), {
        PhysicalResourceId: ACCOUNT,
        OldResourceProperties: props(),
      }),
      lambdaContext(),
    );
    expect(sent[1]?.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ACCOUNT });
    expect(world.accounts.records.get(ACCOUNT)).toMatchObject({ ouId: OU_B, ouPath: [ROOT, OU_B] });
  });
});

describe('account-register refuses what CloudFormation would not send', () => {
  const enrolled = async () => {
    const context = setup(memberWorld());
    await context.handler(request('Create', props()), lambdaContext());
    context.sent.length = 0;
    context.world.notifier.notices.length = 0;
    return context;
  };
  const deleteOf = (extra: Record<string, unknown>) =>
    request('Delete', props(), { PhysicalResourceId: ACCOUNT, ...extra });

  it.each([
    ['an instance-metadata ResponseURL', { ResponseURL: 'http://169.254.169.254/latest/meta-data/iam/' }],
    [
      'an https URL of another host',
      { ResponseURL: 'https://attacker.example/cloudformation-custom-resource-response-cnnorthwest1' },
    ],
    ['the response bucket of another region', { ResponseURL: RESPONSE_URL.replaceAll('northwest', 'north') }],
    [
      'the response bucket on another port',
      { ResponseURL: RESPONSE_URL.replace('.com.cn/', '.com.cn:8443/') },
    ],
    [
      'a stack that is not a provisioned product',
      { StackId: STACK_ID.replace('SC-999999999999-pp-abcdefghijklm', 'my-stack') },
    ],
    [
      'a provisioned product of another account',
      {
        StackId: STACK_ID.replace('999999999999:stack/SC-999999999999', '888888888888:stack/SC-888888888888'),
      },
    ],
    ['another function as ServiceToken', { ServiceToken: FUNCTION_ARN.replace('scp-alt-test', 'other') }],
  ])(
    'Given a Delete with %s, Then nothing is deregistered, nothing is PUT, and the operators are told once',
    async (_what, extra) => {
      const { world, handler, sent } = await enrolled();

      const outcome = await handler(deleteOf(extra), lambdaContext());

      expect(outcome).toMatchObject({
        status: 'FAILED',
        reason: expect.stringMatching(/^REQUEST_REFUSED: /),
      });
      expect(sent).toEqual([]);
      expect(world.accounts.records.get(ACCOUNT)?.status).toBe('ACTIVE');
      expect(world.notifier.codes()).toEqual(['REQUEST_REFUSED']);
    },
  );

  it('Given a Delete from another provisioned product than the one that enrolled the account, Then it is answered FAILED and the account stays enrolled', async () => {
    const { world, handler, sent } = await enrolled();
    const otherProduct = STACK_ID.replace('pp-abcdefghijklm', 'pp-zzzzzzzzzzzzz');

    await handler(deleteOf({ StackId: otherProduct }), lambdaContext());

    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringContaining('REQUEST_REFUSED'),
    });
    expect(world.accounts.records.get(ACCOUNT)).toMatchObject({ status: 'ACTIVE', stackId: STACK_ID });
    expect(world.notifier.codes()).toEqual(['REQUEST_REFUSED']);
  });

  it("Given the response bucket in its other host forms (s3-<region>, and s3.amazonaws.com for aws), Then the URL is CloudFormation's", async () => {
    const { handler, sent } = setup(memberWorld());
    const dashed = RESPONSE_URL.replace('.s3.cn-northwest-1.', '.s3-cn-northwest-1.');
    await handler(request('Create', props(), { ResponseURL: dashed }), lambdaContext());
    expect(sent.map((answer) => answer.url)).toEqual([dashed]);
  });
});

describe('CloudFormation response hosts', () => {
  it("are the response bucket of the region under the partition's S3 endpoints (aws also its global endpoint)", () => {
    expect(cloudFormationResponseHosts('aws-cn', 'cn-north-1')).toEqual([
      'cloudformation-custom-resource-response-cnnorth1.s3.cn-north-1.amazonaws.com.cn',
      'cloudformation-custom-resource-response-cnnorth1.s3-cn-north-1.amazonaws.com.cn',
    ]);
    expect(cloudFormationResponseHosts('aws', 'us-east-1')).toEqual([
      'cloudformation-custom-resource-response-useast1.s3.us-east-1.amazonaws.com',
      'cloudformation-custom-resource-response-useast1.s3-us-east-1.amazonaws.com',
      'cloudformation-custom-resource-response-useast1.s3.amazonaws.com',
    ]);
    expect(cloudFormationResponseHosts('aws-us-gov', 'us-gov-west-1')).toEqual([
      'cloudformation-custom-resource-response-usgovwest1.s3.us-gov-west-1.amazonaws.com',
      'cloudformation-custom-resource-response-usgovwest1.s3-us-gov-west-1.amazonaws.com',
    ]);
  });
});

describe('putResponse', () => {
  it('PUTs with the empty content type the pre-signed URL expects and an exact content length', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      seen.push({ url, init });
      return new Response(null, { status: 200 });
    }) as unknown as typeof fetch;
    const body = JSON.stringify({ Status: 'SUCCESS', Reason: 'é' });
    await putResponse('https://presigned', body, fakeFetch);
    expect(seen[0]?.init.method).toBe('PUT');
    expect(seen[0]?.init.headers).toEqual({
      'content-type': '',
      'content-length': String(Buffer.byteLength(body)),
    });
  });

  it('retries a failed PUT', async () => {
    let attempts = 0;
    const flaky = (async () => {
      attempts++;
      if (attempts === 1) throw new Error('socket hang up');
      return new Response(null, { status: 200 });
    }) as unknown as typeof fetch;
    await putResponse('https://presigned', '{}', flaky, { sleep: async () => undefined });
    expect(attempts).toBe(2);
  });

  it('waits longer before each new try and gives up after the third refused PUT', async () => {
    const waits: number[] = [];
    const refusing = (async () => new Response(null, { status: 503 })) as unknown as typeof fetch;
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    await expect(
      putResponse('https://presigned', '{}', refusing, { sleep, random: () => 0.99 }),
    ).rejects.toThrow('HTTP 503');
    expect(waits).toHaveLength(2);
    expect(waits[1]).toBeGreaterThan(waits[0] ?? Number.POSITIVE_INFINITY);
    expect(waits[0]).toBeGreaterThan(0);
  });
});
