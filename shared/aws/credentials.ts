import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { iamRoleArn } from '#policy/arn.ts';
import { ownSourceIdentity } from '#policy/own-sessions.ts';
import { DEFAULT_STANDALONE_ROLE_NAME } from '#policy/virtual-ou.ts';
import { CREDENTIAL_PROPAGATION_ERRORS, isExpiredSession } from '#runtime/aws-errors.ts';
import { type Clock, systemClock } from '#runtime/clock.ts';
import { retryEventualConsistency, type Sleep } from '#runtime/retry.ts';
import { AwsStepError, errorText, ScpAltError } from '#shared/errors.ts';
import { clientConfigFor, type SharedClientConfig } from './client-config.ts';

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export interface CredentialChainOptions {
  partition: string;
  /** Region of the STS endpoints used for both hops. */
  region: string;
  managementAccountId: string;
  managementRoleName: string;
  managementRoleExternalId?: string | undefined;
  organizationAccessRoleName: string;
  /**
   * The management account is enrolled (opt-in): its clients act with the management role itself,
   * in a session marked with our source identity (the role's trust allows it when the opt-in is on).
   */
  managementAccountEnrollable?: boolean;
  /** The role standalone accounts deploy for scp-alt (templates/standalone-account-role.yaml). */
  standaloneRoleName?: string;
  /** Accounts the deployment admits as standalone (StandaloneAccountIds). */
  standaloneAccountIds?: readonly string[];
  /**
   * The ExternalId registered for a standalone account (its record's): such an account is reached
   * in one hop from the function's own role, never through the management role.
   */
  standaloneExternalId?: (accountId: string) => Promise<string | undefined>;
  /**
   * Short function name; sessions are named `scp-alt-<functionName>` so CloudTrail shows who acted,
   * and carry the same SourceIdentity, by which IAM events tell our calls apart (own-sessions.ts).
   */
  functionName: string;
  clientConfig?: SharedClientConfig;
  /**
   * When a member's organization access role does not let the management role set our source
   * identity (an account Organizations created since, an access role made by hand): open one
   * unmarked session, add the statement to the role's trust, and go on marked. Given to the
   * functions that enroll accounts; the others report the refusal.
   */
  addSourceIdentityTrust?: (
    accountId: string,
    unmarked: () => Promise<TemporaryCredentials>,
    managementRoleArn: string,
  ) => Promise<void>;
  /** STS client acting as the function itself (first hop); built from clientConfig when absent. */
  stsClient?: STSClient;
  now?: Clock;
  sleep?: Sleep;
}

/** Credentials are refreshed this long before they expire, so no call starts with a dying session. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;
// Role chaining caps sessions at one hour.
const SESSION_SECONDS = 3600;

/**
 * Function role → management-account role → member organization access role. Sessions are cached
 * per account for the life of the container and shared by concurrent callers.
 */
export class CredentialChain {
  private readonly sessions = new Map<string, Promise<TemporaryCredentials>>();
  private readonly baseSts: STSClient;
  private managementSts: STSClient | undefined;
  private readonly now: Clock;

  constructor(private readonly options: CredentialChainOptions) {
    this.baseSts = options.stsClient ?? new STSClient(clientConfigFor(options.region, options.clientConfig));
    this.now = options.now ?? systemClock;
  }

  get sessionName(): string {
    return `scp-alt-${this.options.functionName}`.slice(0, 64);
  }

  get sourceIdentity(): string {
    return ownSourceIdentity(this.options.functionName);
  }

  roleArn(accountId: string, roleName: string): string {
    return iamRoleArn(this.options.partition, accountId, roleName);
  }

  managementCredentials(): Promise<TemporaryCredentials> {
    const { managementAccountId, managementRoleName, managementRoleExternalId } = this.options;
    // Unmarked: the management account's events are not where scp-alt tells its own calls apart.
    return this.cached('management', () =>
      this.assume(
        this.baseSts,
        this.roleArn(managementAccountId, managementRoleName),
        managementRoleExternalId === undefined ? {} : { externalId: managementRoleExternalId },
      ),
    );
  }

  memberCredentials(accountId: string): Promise<TemporaryCredentials> {
    if (accountId === this.options.managementAccountId) {
      if (this.options.managementAccountEnrollable) return this.markedManagementCredentials();
      // The management role would have to assume a role in its own account: refuse, enrollment
      // of the management account is rejected before this point.
      return Promise.reject(
        new ScpAltError(
          'ACCOUNT_REFUSED',
          `account ${accountId} is the management account; no member role chain`,
        ),
      );
    }
    if (this.options.standaloneAccountIds?.includes(accountId))
      return this.cached(`member:${accountId}`, () => this.assumeStandalone(accountId));
    return this.cached(`member:${accountId}`, () => this.assumeMember(accountId));
  }

  /**
   * A standalone account: its standalone access role, assumed by the function's own role with the
   * account's external id, marked with our source identity as a member hop is.
   */
  private async assumeStandalone(accountId: string): Promise<TemporaryCredentials> {
    const roleName = this.options.standaloneRoleName ?? DEFAULT_STANDALONE_ROLE_NAME;
    const roleArn = this.roleArn(accountId, roleName);
    const externalId = await this.options.standaloneExternalId?.(accountId);
    if (externalId === undefined)
      throw new AssumeRoleError(
        roleArn,
        new Error(`no external id is registered for standalone account ${accountId}`),
      );
    return this.assume(this.baseSts, roleArn, {
      externalId,
      sourceIdentity: this.sourceIdentity,
    });
  }

  /**
   * The management role acting in its own account: one hop, marked like a member hop, so IAM events
   * of the management account tell our calls apart as a member's do. A session of its own, beside
   * the unmarked one the role chain starts from.
   */
  private markedManagementCredentials(): Promise<TemporaryCredentials> {
    const { managementAccountId, managementRoleName, managementRoleExternalId } = this.options;
    return this.cached(`member:${managementAccountId}`, () =>
      this.assume(this.baseSts, this.roleArn(managementAccountId, managementRoleName), {
        sourceIdentity: this.sourceIdentity,
        ...(managementRoleExternalId === undefined ? {} : { externalId: managementRoleExternalId }),
      }),
    );
  }

  /** The member hop, marked with our source identity; the access role's trust mended once if it must. */
  private async assumeMember(accountId: string): Promise<TemporaryCredentials> {
    const roleArn = this.roleArn(accountId, this.options.organizationAccessRoleName);
    const marked = () =>
      this.assume(this.stsAsManagement(), roleArn, { sourceIdentity: this.sourceIdentity });
    const mend = this.options.addSourceIdentityTrust;
    try {
      return await marked();
    } catch (error) {
      if (!mend || !refusesSourceIdentity(error)) throw error;
    }
    const { managementAccountId, managementRoleName } = this.options;
    await mend(
      accountId,
      () => this.assume(this.stsAsManagement(), roleArn, {}),
      this.roleArn(managementAccountId, managementRoleName),
    );
    // A trust policy change reaches STS within seconds.
    const sleep = this.options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
    for (let attempt = 1; ; attempt++) {
      try {
        return await marked();
      } catch (error) {
        if (attempt >= TRUST_PROPAGATION_ATTEMPTS || !refusesSourceIdentity(error)) throw error;
        await sleep(attempt * 1_000);
      }
    }
  }

  /** Drops the member session AWS refused as expired; the next call assumes the role again. */
  forgetMember(accountId: string): void {
    this.sessions.delete(`member:${accountId}`);
  }

  /** Drops the management session and the STS client that memoised it. */
  forgetManagement(): void {
    this.sessions.delete('management');
    this.managementSts = undefined;
  }

  /** Provider functions for SDK clients; the SDK calls them again when credentials near expiry. */
  managementProvider = (): Promise<TemporaryCredentials> => this.managementCredentials();
  memberProvider(accountId: string): () => Promise<TemporaryCredentials> {
    return () => this.memberCredentials(accountId);
  }

  private stsAsManagement(): STSClient {
    this.managementSts ??= new STSClient(
      clientConfigFor(this.options.region, this.options.clientConfig, this.managementProvider),
    );
    return this.managementSts;
  }

  private cached(key: string, load: () => Promise<TemporaryCredentials>): Promise<TemporaryCredentials> {
    const existing = this.sessions.get(key);
    if (existing)
      return existing.then((credentials) => (this.fresh(credentials) ? credentials : this.reload(key, load)));
    return this.reload(key, load);
  }

  private reload(key: string, load: () => Promise<TemporaryCredentials>): Promise<TemporaryCredentials> {
    const pending = load();
    this.sessions.set(key, pending);
    // A failed assume must not poison the cache for the next invocation.
    pending.catch(() => {
      if (this.sessions.get(key) === pending) this.sessions.delete(key);
    });
    return pending;
  }

  private fresh(credentials: TemporaryCredentials): boolean {
    return credentials.expiration.getTime() - REFRESH_MARGIN_MS > this.now().getTime();
  }

  private async assume(
    sts: STSClient,
    roleArn: string,
    { externalId, sourceIdentity }: { externalId?: string; sourceIdentity?: string },
  ): Promise<TemporaryCredentials> {
    const command = new AssumeRoleCommand({
      RoleArn: roleArn,
      RoleSessionName: this.sessionName,
      DurationSeconds: SESSION_SECONDS,
      ...(sourceIdentity ? { SourceIdentity: sourceIdentity } : {}),
      ...(externalId ? { ExternalId: externalId } : {}),
    });
    try {
      const sleep = this.options.sleep;
      const output = await retryEventualConsistency(() => sts.send(command), {
        retryOn: CREDENTIAL_PROPAGATION_ERRORS,
        ...(sleep ? { sleep } : {}),
      });
      const c = output.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
        throw new Error('AssumeRole returned no credentials');
      const expiration = c.Expiration ?? new Date(this.now().getTime() + SESSION_SECONDS * 1000);
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration,
      };
    } catch (error) {
      // The second hop signs with the management session: if that expired early, start over.
      if (sts !== this.baseSts && isExpiredSession(error)) this.forgetManagement();
      throw new AssumeRoleError(roleArn, error);
    }
  }
}

/** Attempts at the marked member hop after the trust was mended (1 + 2 + 3 + 4 s of waiting). */
const TRUST_PROPAGATION_ATTEMPTS = 5;

/** STS refused the member hop because the access role's trust does not allow our source identity. */
function refusesSourceIdentity(error: unknown): boolean {
  const text = error instanceof AssumeRoleError ? errorText(error.cause) : '';
  return text.includes('sts:SetSourceIdentity');
}

export class AssumeRoleError extends AwsStepError {
  override name = 'AssumeRoleError';
  override readonly code = 'ASSUME_ROLE_FAILED';
  constructor(
    readonly roleArn: string,
    cause: unknown,
  ) {
    super(`assume ${roleArn}`, cause);
  }
}
