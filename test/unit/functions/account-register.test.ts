import { describe, expect, it } from 'vitest';
import { makeHandler } from '#functions/account-register.ts';
import { putResponse } from '#functions/commons/cfn-response.ts';
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
) => ({
  RequestType: type,
  ResponseURL: 'https://cloudformation-response.example/presigned',
  StackId: 'arn:aws-cn:cloudformation:cn-northwest-1:999999999999:stack/enroll/1',
  RequestId: 'req-1',
  LogicalResourceId: 'Registration',
  ResourceProperties: { ServiceToken: 'arn:fn', ...props },
  ...extra,
});
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
    expect(sent[0]?.url).toBe('https://cloudformation-response.example/presigned');
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
