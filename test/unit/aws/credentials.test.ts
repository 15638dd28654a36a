import { STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { CredentialChain, REFRESH_MARGIN_MS } from '#aws/credentials.ts';
import { awsError, stubSdk } from '../fakes/sdk-stub.ts';

const MANAGEMENT = '888888888888';

function chainWith(now: { value: number }, options: { externalId?: string; failFirst?: string } = {}) {
  let counter = 0;
  let failures = options.failFirst ? 1 : 0;
  const sts = new STSClient({ region: 'cn-northwest-1' });
  const calls = stubSdk(sts, {
    AssumeRole: () => {
      if (failures-- > 0) throw awsError(options.failFirst ?? '');
      counter++;
      return {
        Credentials: {
          AccessKeyId: `AKIA${counter}`,
          SecretAccessKey: 'secret',
          SessionToken: 'token',
          Expiration: new Date(now.value + 3_600_000),
        },
      };
    },
  });
  const chain = new CredentialChain({
    partition: 'aws-cn',
    region: 'cn-northwest-1',
    managementAccountId: MANAGEMENT,
    managementRoleName: 'scp-alt-management',
    managementRoleExternalId: options.externalId,
    organizationAccessRoleName: 'OrganizationAccountAccessRole',
    functionName: 'account-register',
    stsClient: sts,
    now: () => new Date(now.value),
    sleep: async () => undefined,
  });
  return { chain, calls };
}

describe('CredentialChain', () => {
  it('assumes the management role as the function, with ExternalId and a session name, unmarked (the member hop carries the source identity)', async () => {
    const { chain, calls } = chainWith({ value: 0 }, { externalId: 'ext-123' });
    await chain.managementCredentials();
    expect(calls[0]?.input).toEqual({
      RoleArn: `arn:aws-cn:iam::${MANAGEMENT}:role/scp-alt-management`,
      RoleSessionName: 'scp-alt-account-register',
      DurationSeconds: 3600,
      ExternalId: 'ext-123',
    });
  });

  it('reuses a session until five minutes before it expires, then assumes again', async () => {
    const now = { value: Date.parse('2026-03-01T00:00:00Z') };
    const { chain, calls } = chainWith(now);
    const first = await chain.managementCredentials();
    now.value += 3_600_000 - REFRESH_MARGIN_MS - 1000;
    expect(await chain.managementCredentials()).toBe(first);
    now.value += 2000;
    const renewed = await chain.managementCredentials();
    expect(renewed.accessKeyId).not.toBe(first.accessKeyId);
    expect(calls).toHaveLength(2);
  });

  it('refuses to build a member session for the management account itself', async () => {
    const { chain, calls } = chainWith({ value: 0 });
    await expect(chain.memberCredentials(MANAGEMENT)).rejects.toMatchObject({ code: 'ACCOUNT_REFUSED' });
    expect(calls).toHaveLength(0);
  });

  it('retries when fresh credentials are not yet valid, and names the role when assuming fails for good', async () => {
    const { chain } = chainWith({ value: 0 }, { failFirst: 'InvalidClientTokenId' });
    await expect(chain.managementCredentials()).resolves.toMatchObject({ accessKeyId: 'AKIA1' });
    const denied = chainWith({ value: 0 }, { failFirst: 'AccessDenied' }).chain;
    await expect(denied.managementCredentials()).rejects.toMatchObject({
      code: 'ASSUME_ROLE_FAILED',
      message: expect.stringContaining(`arn:aws-cn:iam::${MANAGEMENT}:role/scp-alt-management`),
    });
    // A failure is not cached: the next call tries again.
    await expect(denied.managementCredentials()).resolves.toMatchObject({ accessKeyId: 'AKIA1' });
  });
});
