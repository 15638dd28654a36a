import type { PolicyDocument } from '#policy/types.ts';
import type {
  AttachOutcome,
  BoundaryIamPort,
  BoundaryPolicyVersion,
  PolicyHolder,
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
  /** Policies scp-alt writes, by name (scp-enforce-policy, additional and derived ones). */
  policies: Map<string, FakePolicy>;
  /** Managed policies attached (not as boundary), by holder key (`role/x`, `user/y`, `group/z`). */
  attached: Map<string, Set<string>>;
}

/** IAM's default quota of managed policies attached to one user or role. */
export const DEFAULT_ATTACHMENT_QUOTA = 10;

/** One IAM API call the real adapter would make, for counting. */
export interface IamCall {
  accountId: string;
  api: string;
}

const key = (ref: PrincipalRef | PolicyHolder) => `${ref.kind}/${ref.name}`;

/**
 * In-memory IAM of many member accounts. Every method records the IAM API calls the real adapter
 * makes for it, so tests can count calls; `failNext` makes the next matching call throw.
 */
export class FakeIam implements BoundaryIamPort {
  readonly calls: IamCall[] = [];
  private readonly accounts = new Map<string, FakeAccount>();
  private failures: { api: string; accountId?: string; error: Error }[] = [];
  /** Accounts the role chain cannot enter (AssumeRole refused), with the error every call gets. */
  readonly refusing = new Map<string, Error>();
  /** Managed policies scp-alt only reads (customer boundaries), by ARN. */
  private readonly managed = new Map<string, PolicyDocument>();
  /** Managed policies one user or role may hold, as IAM's quota. */
  attachmentQuota = DEFAULT_ATTACHMENT_QUOTA;

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

  /** Policy ARNs attached to the user, role or group (not its boundary), sorted. */
  attachedTo(accountId: string, kind: PolicyHolder['kind'], name: string): string[] {
    return [...(this.account(accountId).attached.get(key({ kind, name })) ?? [])].sort();
  }

  /** Attaches policies as a customer would (no call recorded), e.g. to fill a principal's quota. */
  attachAsCustomer(accountId: string, holder: PolicyHolder, ...policyArns: string[]): void {
    const attached = this.account(accountId).attached;
    const held = attached.get(key(holder)) ?? new Set<string>();
    for (const arn of policyArns) held.add(arn);
    attached.set(key(holder), held);
  }

  /** Detaches as an administrator could (no call recorded), for drift tests. */
  detachAsAdministrator(accountId: string, holder: PolicyHolder, policyArn: string): void {
    this.account(accountId).attached.get(key(holder))?.delete(policyArn);
  }

  /** Deletes a user or role as its owner could, e.g. between a listing and a write. */
  removePrincipal(accountId: string, kind: PrincipalKind, name: string): void {
    const account = this.account(accountId);
    account.principals.delete(key({ kind, name }));
    account.attached.delete(key({ kind, name }));
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
    const inUse =
      [...account.principals.values()].some((p) => p.boundaryArn === policyArn) ||
      [...account.attached.values()].some((held) => held.has(policyArn));
    if (inUse) throw Object.assign(new Error('policy is attached'), { name: 'DeleteConflict' });
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

  async attachPolicy(accountId: string, ref: PrincipalRef, policyArn: string): Promise<AttachOutcome> {
    this.record(accountId, ref.kind === 'user' ? 'AttachUserPolicy' : 'AttachRolePolicy');
    const account = this.account(accountId);
    if (!account.principals.has(key(ref)))
      throw Object.assign(new Error(`${key(ref)} not found`), { name: 'NoSuchEntity' });
    if (!this.policyExists(account, policyArn))
      throw Object.assign(new Error(`${policyArn} not found`), { name: 'NoSuchEntity' });
    const held = account.attached.get(key(ref)) ?? new Set<string>();
    if (held.has(policyArn)) return 'attached';
    if (held.size >= this.attachmentQuota) return 'quota-full';
    held.add(policyArn);
    account.attached.set(key(ref), held);
    return 'attached';
  }

  async detachPolicy(accountId: string, holder: PolicyHolder, policyArn: string): Promise<void> {
    const api = { user: 'DetachUserPolicy', role: 'DetachRolePolicy', group: 'DetachGroupPolicy' }[
      holder.kind
    ];
    this.record(accountId, api);
    this.account(accountId).attached.get(key(holder))?.delete(policyArn);
  }

  async listPolicyHolders(accountId: string, policyArn: string): Promise<PolicyHolder[] | undefined> {
    this.record(accountId, 'ListEntitiesForPolicy');
    const account = this.account(accountId);
    if (!this.policyExists(account, policyArn)) return undefined;
    return [...account.attached.entries()]
      .filter(([, held]) => held.has(policyArn))
      .map(([holder]) => {
        const [kind, ...name] = holder.split('/');
        return { kind: kind as PolicyHolder['kind'], name: name.join('/') };
      });
  }

  private policyExists(account: FakeAccount, policyArn: string): boolean {
    const name = policyArn.slice(policyArn.lastIndexOf('/') + 1);
    return (
      this.managed.has(policyArn) ||
      (policyArn === this.policyArnFor(policyArn.split(':')[4] ?? '', name) && account.policies.has(name))
    );
  }

  private record(accountId: string, api: string): void {
    // The role chain refused: no IAM call reaches the account.
    const refusal = this.refusing.get(accountId);
    if (refusal) throw refusal;
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
      account = { principals: new Map(), policies: new Map(), attached: new Map() };
      this.accounts.set(accountId, account);
    }
    return account;
  }
}
