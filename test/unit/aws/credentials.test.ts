import { STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { CredentialChain, REFRESH_MARGIN_MS } from '#aws/credentials.ts';
import { awsError, stubSdk } from '../fakes/sdk-stub.ts';

const MANAGEMENT = '888888888888';

interface ChainOptions {
  externalId?: string;
  failFirst?: string;
  managementAccountEnrollable?: boolean;
  /** Standalone account → its registered external id. */
  standalone?: Record<string, string>;
  /** The deployment's StandaloneAccountIds (default: the accounts of `standalone`). */
  standaloneIds?: string[];
}

function chainWith(now: { value: number }, options: ChainOptions = {}) {
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
    managementAccountEnrollable: options.managementAccountEnrollable ?? false,
    standaloneAccountIds: options.standaloneIds ?? Object.keys(options.standalone ?? {}),
    standaloneExternalId: async (accountId) => options.standalone?.[accountId],
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

  it('Given the management account enrolled, Then its clients act as the management role itself, in a marked session of their own', async () => {
    const { chain, calls } = chainWith(
      { value: 0 },
      { externalId: 'ext-123', managementAccountEnrollable: true },
    );
    await chain.memberCredentials(MANAGEMENT);
    await chain.managementCredentials();
    expect(calls.map((call) => call.input)).toEqual([
      {
        RoleArn: `arn:aws-cn:iam::${MANAGEMENT}:role/scp-alt-management`,
        RoleSessionName: 'scp-alt-account-register',
        DurationSeconds: 3600,
        SourceIdentity: 'scp-alt-account-register',
        ExternalId: 'ext-123',
      },
      // The role chain's own first hop stays unmarked.
      {
        RoleArn: `arn:aws-cn:iam::${MANAGEMENT}:role/scp-alt-management`,
        RoleSessionName: 'scp-alt-account-register',
        DurationSeconds: 3600,
        ExternalId: 'ext-123',
      },
    ]);
  });

  it('Given a standalone account, Then its role is assumed in one marked hop with its external id, never through the management role', async () => {
    const partner = '210987654321';
    const { chain, calls } = chainWith({ value: 0 }, { standalone: { [partner]: 'partner-secret' } });
    await chain.memberCredentials(partner);
    expect(calls.map((call) => call.input)).toEqual([
      {
        RoleArn: `arn:aws-cn:iam::${partner}:role/scp-alt-standalone-access`,
        RoleSessionName: 'scp-alt-account-register',
        DurationSeconds: 3600,
        SourceIdentity: 'scp-alt-account-register',
        ExternalId: 'partner-secret',
      },
    ]);
  });

  it('Given a standalone account without a registered external id, Then nothing is assumed and the refusal names its role', async () => {
    const partner = '210987654321';
    const { chain: lacking, calls } = chainWith({ value: 0 }, { standalone: {}, standaloneIds: [partner] });
    await expect(lacking.memberCredentials(partner)).rejects.toMatchObject({
      code: 'ASSUME_ROLE_FAILED',
      message: expect.stringContaining('scp-alt-standalone-access'),
    });
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
