import { accountRootArn, formatArn, iamRoleArn, parseArn, parseRoleSessionArn } from '#policy/arn.ts';
import { partitionOfRegion } from '#policy/partition.ts';
import { xmlValue } from './aws-errors.ts';
import { motoQuery } from './moto-client.ts';

/** Who is calling: the account moto will act in and the IAM principal a trust policy sees. */
export interface Caller {
  account: string;
  /** `arn:<partition>:iam::<account>:user/<name>`, `…:role/<path/name>` for a role session, or `…:root`. */
  principalArn: string;
  /** RoleSessionName of a role session. */
  sessionName?: string;
  /** SourceIdentity of a role session: set once on a role chain and kept by every later hop. */
  sourceIdentity?: string;
}

/**
 * Maps access key ids to callers. Keys issued by AssumeRole through the proxy are recorded with the
 * exact role ARN (path included); other keys are asked of moto once (GetCallerIdentity) and cached.
 * Must be cleared whenever moto is reset, because moto forgets the keys it issued.
 */
export class CallerDirectory {
  private readonly known = new Map<string, Caller>();

  constructor(private readonly motoUrl: string) {}

  rememberAssumedRole(
    accessKeyId: string,
    roleArn: string,
    sessionName: string,
    sourceIdentity: string | undefined,
  ): void {
    const { partition = '', accountId: account = '' } = parseArn(roleArn) ?? {};
    this.known.set(`${partition}|${accessKeyId}`, {
      account,
      principalArn: roleArn,
      sessionName,
      ...(sourceIdentity ? { sourceIdentity } : {}),
    });
  }

  clear(): void {
    this.known.clear();
  }

  async resolve(
    accessKeyId: string | undefined,
    region: string,
    accountHeader: string | undefined,
  ): Promise<Caller> {
    const partition = partitionOfRegion(region);
    if (accountHeader)
      return { account: accountHeader, principalArn: accountRootArn(partition, accountHeader) };
    const key = `${partition}|${accessKeyId ?? ''}`;
    const cached = this.known.get(key);
    if (cached) return cached;
    const answer = await motoQuery(
      { motoUrl: this.motoUrl, service: 'sts', region, accessKeyId: accessKeyId || undefined },
      'GetCallerIdentity',
    );
    const caller = callerFromStsArn(
      xmlValue(answer.body, 'Arn') ?? '',
      xmlValue(answer.body, 'Account') ?? '',
    );
    this.known.set(key, caller);
    return caller;
  }
}

/** `arn:P:sts::A:assumed-role/R/S` → role ARN (path unknown here); `arn:P:sts::A:user/U` → user ARN. */
export function callerFromStsArn(stsArn: string, account: string): Caller {
  const { partition = 'aws', resource = '' } = parseArn(stsArn) ?? {};
  const session = parseRoleSessionArn(stsArn);
  if (session)
    return {
      account,
      principalArn: iamRoleArn(partition, account, session.roleName),
      sessionName: session.sessionName,
    };
  return {
    account,
    principalArn: formatArn({
      partition,
      service: 'iam',
      region: '',
      accountId: account,
      resource: resource || 'root',
    }),
  };
}
