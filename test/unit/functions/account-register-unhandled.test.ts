/**
 * CloudFormation waits an hour for an answer that never comes. What the handler cannot handle at
 * all — a broken configuration at cold start, a request that does not parse — is still answered
 * FAILED at the ResponseURL, by the deployed entry point itself (real PUT to a local server).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '#functions/account-register.ts';
import { answerUnhandled, CfnRequestSchema } from '#functions/commons/cfn-response.ts';
import { lambdaContext } from '../fakes/world.ts';

const received: { method: string; body: Record<string, unknown> }[] = [];
const server = createServer((request: IncomingMessage, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    received.push({ method: request.method ?? '', body: JSON.parse(Buffer.concat(chunks).toString()) });
    response.writeHead(200).end();
  });
});
let responseUrl = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  responseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/presigned`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const createRequest = (extra: Record<string, unknown> = {}) => ({
  RequestType: 'Create',
  ResponseURL: responseUrl,
  StackId: 'arn:aws-cn:cloudformation:cn-north-1:999999999999:stack/enroll/1',
  RequestId: 'req-9',
  LogicalResourceId: 'Registration',
  ResourceProperties: { MemberAccountID: '111111111111', OrganizationUnitID: 'ou-ab12-11111111' },
  ...extra,
});

/** Runs with the function's configuration missing, and AWS_ENDPOINT_URL as given (undefined: unset). */
async function withBrokenConfiguration(endpointUrl: string | undefined, run: () => Promise<void>) {
  const saved = { account: process.env.SECURITY_ACCOUNT_ID, endpoint: process.env.AWS_ENDPOINT_URL };
  delete process.env.SECURITY_ACCOUNT_ID;
  if (endpointUrl === undefined) delete process.env.AWS_ENDPOINT_URL;
  else process.env.AWS_ENDPOINT_URL = endpointUrl;
  try {
    await run();
  } finally {
    if (saved.account !== undefined) process.env.SECURITY_ACCOUNT_ID = saved.account;
    if (saved.endpoint === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = saved.endpoint;
  }
}

describe('account-register entry point', () => {
  it('Given the function is missing its configuration on a local stack, When a Create arrives, Then FAILED names the problem at the local ResponseURL and the error is rethrown', async () => {
    received.length = 0;
    await withBrokenConfiguration('http://127.0.0.1:4566', async () => {
      await expect(handler(createRequest(), lambdaContext())).rejects.toThrow(/invalid configuration/);
    });
    expect(received).toHaveLength(1);
    expect(received[0]?.method).toBe('PUT');
    expect(received[0]?.body).toMatchObject({
      Status: 'FAILED',
      RequestId: 'req-9',
      LogicalResourceId: 'Registration',
      PhysicalResourceId: 'not-enrolled-req-9',
      Reason: expect.stringMatching(
        /could not handle this request: invalid configuration.*SECURITY_ACCOUNT_ID/,
      ),
    });
  });

  it('Given the same request where no local stack is configured (as in AWS), Then nothing is PUT to the loopback URL', async () => {
    received.length = 0;
    await withBrokenConfiguration(undefined, async () => {
      await expect(handler(createRequest(), lambdaContext())).rejects.toThrow(/invalid configuration/);
    });
    expect(received).toEqual([]);
  });
});

describe('answerUnhandled', () => {
  it('Given a request with an unknown RequestType, Then it is answered FAILED keeping its physical id', async () => {
    const sent: Record<string, unknown>[] = [];
    const answered = await answerUnhandled(
      createRequest({ RequestType: 'Rollback', PhysicalResourceId: '111111111111' }),
      new Error('RequestType must be Create, Update or Delete'),
      () => true,
      async (_url, body) => {
        sent.push(JSON.parse(body));
      },
    );
    expect(answered).toBe(true);
    expect(sent).toEqual([
      expect.objectContaining({
        Status: 'FAILED',
        PhysicalResourceId: '111111111111',
        StackId: expect.any(String),
      }),
    ]);
  });

  it('Given the request fails the schema, Then the reason says which field is wrong', async () => {
    const event = createRequest({ RequestType: 'Rollback' });
    const parsed = CfnRequestSchema.safeParse(event);
    expect(parsed.success).toBe(false);
    const sent: Record<string, unknown>[] = [];
    await answerUnhandled(
      event,
      parsed.error,
      () => true,
      async (_url, body) => {
        sent.push(JSON.parse(body));
      },
    );
    expect(sent[0]?.Reason).toMatch(/malformed request: .*RequestType/);
  });

  it('Given an event without a ResponseURL, Then nothing can be answered', async () => {
    const put = async () => {
      throw new Error('must not be called');
    };
    expect(await answerUnhandled({ RequestType: 'Create' }, new Error('x'), () => true, put)).toBe(false);
    expect(await answerUnhandled('not an object', new Error('x'), () => true, put)).toBe(false);
  });

  it("Given a ResponseURL that is not CloudFormation's, Then nothing is PUT there", async () => {
    const put = async () => {
      throw new Error('must not be called');
    };
    const event = createRequest({ ResponseURL: 'http://169.254.169.254/latest/meta-data/' });
    expect(await answerUnhandled(event, new Error('x'), () => false, put)).toBe(false);
  });
});
