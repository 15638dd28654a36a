import type { PolicyDocument } from '#policy/types.ts';
import type {
  BoundaryIamPort,
  BoundaryPolicyVersion,
  Principal,
  PrincipalKind,
  PrincipalRef,
  PrincipalState,
  WriteBoundaryOptions,
} from '#usecases/ports.ts';

interface FakeVersion {
  versionId: string;
  document: PolicyDocument;
}

interface FakePolicy {
  versions: FakeVersion[];
  defaultVersionId: string;
  nextVersion: number;
}

interface FakeAccount {
  principals: Map<string, PrincipalState>;
  /** Policies scp-alt writes, by name (scp-enforce-policy and derived ones). */
  policies: Map<string, FakePolicy>;
}

/** One IAM API call the real adapter would make, for counting. */
export interface IamCall {
  accountId: string;
  api: string;
}

const key = (ref: PrincipalRef) => `${ref.kind}/${ref.name}`;

/**
 * In-memory IAM of many member accounts. Every method records the IAM API calls the real adapter
 * makes for it, so tests can count calls; `failNext` makes the next matching call throw.
 */
export class FakeIam implements BoundaryIamPort {
  readonly calls: IamCall[] = [];
  private readonly accounts = new Map<string, FakeAccount>();
  private failures: { api: string; accountId?: string; error: Error }[] = [];
  /** Managed policies scp-alt only reads (customer boundaries), by ARN. */
  private readonly managed = new Map<string, PolicyDocument>();

  constructor(
    private readonly partition = 'aws-cn',
    private readonly policyName = 'scp-enforce-policy',
  ) {}

  addPrincipal(
    accountId: string,
    kind: PrincipalKind,
    name: string,
    options: { path?: string; boundaryArn?: string } = {},
  ): void {
    const path = options.path ?? '/';
    const arn = `arn:${this.partition}:iam::${accountId}:${kind}${path}${name}`;
    this.account(accountId).principals.set(key({ kind, name }), {
      kind,
      name,
      path,
      arn,
      boundaryArn: options.boundaryArn,
    });
  }

  boundaryOf(accountId: string, kind: PrincipalKind, name: string): string | undefined {
    return this.account(accountId).principals.get(key({ kind, name }))?.boundaryArn;
  }

  currentDocument(accountId: string, policyName = this.policyName): PolicyDocument | undefined {
    const policy = this.account(accountId).policies.get(policyName);
    return policy?.versions.find((version) => version.versionId === policy.defaultVersionId)?.document;
  }

  versionCount(accountId: string, policyName = this.policyName): number {
    return this.account(accountId).policies.get(policyName)?.versions.length ?? 0;
  }

  /** Names of the policies scp-alt created in the account. */
  policyNames(accountId: string): string[] {
    return [...this.account(accountId).policies.keys()].sort();
  }

  /** A customer-managed (or AWS-managed) policy, e.g. a boundary the customer set before enrollment. */
  putManagedPolicy(policyArn: string, document: PolicyDocument): void {
    this.managed.set(policyArn, structuredClone(document));
  }

  /** Sets a default version as an administrator could (SetDefaultPolicyVersion), for drift tests. */
  setDefaultVersion(accountId: string, versionId: string, policyName = this.policyName): void {
    const policy = this.account(accountId).policies.get(policyName);
    if (policy) policy.defaultVersionId = versionId;
  }

  failNext(api: string, error: Error, accountId?: string): void {
    this.failures.push({ api, error, ...(accountId ? { accountId } : {}) });
  }

  callsTo(accountId: string, ...apis: string[]): IamCall[] {
    return this.calls.filter(
      (call) => call.accountId === accountId && (apis.length === 0 || apis.includes(call.api)),
    );
  }

  writes(accountId?: string): IamCall[] {
    return this.calls.filter(
      (call) => (!accountId || call.accountId === accountId) && !/^(Get|List)/.test(call.api),
    );
  }

  policyArnFor(accountId: string, policyName = this.policyName): string {
    return `arn:${this.partition}:iam::${accountId}:policy/${policyName}`;
  }

  async readBoundaryPolicy(
    accountId: string,
    policyName = this.policyName,
  ): Promise<BoundaryPolicyVersion | undefined> {
    this.record(accountId, 'GetPolicy');
    const policy = this.account(accountId).policies.get(policyName);
    if (!policy) return undefined;
    this.record(accountId, 'GetPolicyVersion');
    const document = this.currentDocument(accountId, policyName) as PolicyDocument;
    return {
      policyArn: this.policyArnFor(accountId, policyName),
      versionId: policy.defaultVersionId,
      document: structuredClone(document),
    };
  }

  async readManagedPolicy(accountId: string, policyArn: string): Promise<PolicyDocument | undefined> {
    this.record(accountId, 'GetPolicy');
    const document = this.managed.get(policyArn);
    if (!document) return undefined;
    this.record(accountId, 'GetPolicyVersion');
    return structuredClone(document);
  }

  async writeBoundaryPolicy(
    accountId: string,
    document: PolicyDocument,
    { policyName = this.policyName, lastVersionId }: WriteBoundaryOptions = {},
  ): Promise<{ policyArn: string; versionId: string }> {
    const policies = this.account(accountId).policies;
    let policy = policies.get(policyName);
    if (!policy || !lastVersionId || !this.pruneKnownOldest(accountId, policy, lastVersionId)) {
      this.record(accountId, 'ListPolicyVersions');
      if (!policy) {
        this.record(accountId, 'CreatePolicy');
        policy = { versions: [], defaultVersionId: '', nextVersion: 1 };
        policies.set(policyName, policy);
      } else {
        if (policy.versions.length >= 5) {
          this.record(accountId, 'DeletePolicyVersion');
          const current = policy.defaultVersionId;
          const oldest = policy.versions.findIndex((version) => version.versionId !== current);
          policy.versions.splice(oldest, 1);
        }
        this.record(accountId, 'CreatePolicyVersion');
      }
    }
    const versionId = `v${policy.nextVersion++}`;
    policy.versions.push({ versionId, document: structuredClone(document) });
    policy.defaultVersionId = versionId;
    return { policyArn: this.policyArnFor(accountId, policyName), versionId };
  }

  /**
   * The adapter's path without listing: delete v(N-4), then CreatePolicyVersion. False when IAM
   * would refuse one of them (default version, five versions still there), as the adapter then lists.
   */
  private pruneKnownOldest(accountId: string, policy: FakePolicy, lastVersionId: string): boolean {
    const oldestKept = Number(lastVersionId.slice(1)) - 4;
    if (oldestKept >= 1) {
      this.record(accountId, 'DeletePolicyVersion');
      const oldestId = `v${oldestKept}`;
      if (oldestId === policy.defaultVersionId) return false;
      policy.versions = policy.versions.filter((version) => version.versionId !== oldestId);
    }
    this.record(accountId, 'CreatePolicyVersion');
    return policy.versions.length < 5;
  }

  async deleteBoundaryPolicy(accountId: string, policyName = this.policyName): Promise<void> {
    this.record(accountId, 'ListPolicyVersions');
    const account = this.account(accountId);
    if (!account.policies.has(policyName)) return;
    const policyArn = this.policyArnFor(accountId, policyName);
    const inUse = [...account.principals.values()].some((p) => p.boundaryArn === policyArn);
    if (inUse) throw Object.assign(new Error('policy is attached as a boundary'), { name: 'DeleteConflict' });
    this.record(accountId, 'DeletePolicy');
    account.policies.delete(policyName);
  }

  async listPrincipals(accountId: string): Promise<Principal[]> {
    this.record(accountId, 'ListUsers');
    this.record(accountId, 'ListRoles');
    return [...this.account(accountId).principals.values()].map(
      ({ boundaryArn: _, ...principal }) => principal,
    );
  }

  async readPrincipal(accountId: string, ref: PrincipalRef): Promise<PrincipalState | undefined> {
    this.record(accountId, ref.kind === 'user' ? 'GetUser' : 'GetRole');
    const state = this.account(accountId).principals.get(key(ref));
    return state ? { ...state } : undefined;
  }

  async attachBoundary(accountId: string, ref: PrincipalRef, policyArn: string): Promise<void> {
    this.record(accountId, ref.kind === 'user' ? 'PutUserPermissionsBoundary' : 'PutRolePermissionsBoundary');
    const state = this.account(accountId).principals.get(key(ref));
    if (!state) throw Object.assign(new Error(`${key(ref)} not found`), { name: 'NoSuchEntity' });
    state.boundaryArn = policyArn;
  }

  async detachBoundary(accountId: string, ref: PrincipalRef): Promise<void> {
    this.record(
      accountId,
      ref.kind === 'user' ? 'DeleteUserPermissionsBoundary' : 'DeleteRolePermissionsBoundary',
    );
    const state = this.account(accountId).principals.get(key(ref));
    if (state) state.boundaryArn = undefined;
  }

  private record(accountId: string, api: string): void {
    this.calls.push({ accountId, api });
    const index = this.failures.findIndex(
      (f) => f.api === api && (!f.accountId || f.accountId === accountId),
    );
    if (index >= 0) {
      const [failure] = this.failures.splice(index, 1);
      throw failure?.error;
    }
  }

  private account(accountId: string): FakeAccount {
    let account = this.accounts.get(accountId);
    if (!account) {
      account = { principals: new Map(), policies: new Map() };
      this.accounts.set(accountId, account);
    }
    return account;
  }
}
