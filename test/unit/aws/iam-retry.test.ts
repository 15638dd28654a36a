import { Readable } from 'node:stream';
import { IAMClient, ListPolicyVersionsCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { iamRetryStrategy } from '#aws/iam-retry.ts';

/** An IAM client whose every request is answered with the given IAM error; counts the requests. */
function iamAnswering(code: string, status: number, maxAttempts: number) {
  let requests = 0;
  const body = `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${code} here</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`;
  const client = new IAMClient({
    region: 'cn-north-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    retryStrategy: iamRetryStrategy(maxAttempts),
    requestHandler: {
      handle: async () => {
        requests++;
        return {
          response: {
            statusCode: status,
            headers: { 'content-type': 'text/xml' },
            body: Readable.from([Buffer.from(body)]),
          },
        };
      },
    },
  });
  return { client, requests: () => requests };
}

const listVersions = new ListPolicyVersionsCommand({
  PolicyArn: 'arn:aws-cn:iam::111111111111:policy/scp-enforce-policy',
});

describe('iamRetryStrategy', () => {
  it('Given IAM refuses with LimitExceeded (a quota), Then the call fails after one request', async () => {
    const { client, requests } = iamAnswering('LimitExceeded', 409, 8);
    await expect(client.send(listVersions)).rejects.toMatchObject({ name: 'LimitExceededException' });
    expect(requests()).toBe(1);
  });

  it('Given IAM throttles, Then the call is retried as the standard strategy does', async () => {
    const { client, requests } = iamAnswering('Throttling', 400, 2);
    await expect(client.send(listVersions)).rejects.toMatchObject({ name: 'Throttling' });
    expect(requests()).toBe(2);
  });

  it('Given an ordinary client error, Then it is not retried', async () => {
    const { client, requests } = iamAnswering('NoSuchEntity', 404, 8);
    await expect(client.send(listVersions)).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    expect(requests()).toBe(1);
  });
});
