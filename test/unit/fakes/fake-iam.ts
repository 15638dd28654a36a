import type {
  BoundaryIamPort,
  BoundaryPolicyVersion,
  Principal,
  PrincipalKind,
  PrincipalRef,
  PrincipalState,
} from '#shared/aws/ports.ts';
import type { PolicyDocument } from '#shared/policy/types.ts';

interface FakeVersion {
  versionId: string;
  document: PolicyDocument;
}

interface FakeAccount {
  principals: Map<string, PrincipalState>;
  versions: FakeVersion[] | undefined;
  defaultVersionId: string | undefined;
  nextVersion: number;
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

  currentDocument(accountId: string): PolicyDocument | undefined {
    const account = this.account(accountId);
    return account.versions?.find((version) => version.versionId === account.defaultVersionId)?.document;
  }

  versionCount(accountId: string): number {
    return this.account(accountId).versions?.length ?? 0;
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

  policyArnFor(accountId: string): string {
    return `arn:${this.partition}:iam::${accountId}:policy/${this.policyName}`;
  }

  async readBoundaryPolicy(accountId: string): Promise<BoundaryPolicyVersion | undefined> {
    this.record(accountId, 'GetPolicy');
    const account = this.account(accountId);
    if (!account.versions || !account.defaultVersionId) return undefined;
    this.record(accountId, 'GetPolicyVersion');
    const document = this.currentDocument(accountId) as PolicyDocument;
    return {
      policyArn: this.policyArnFor(accountId),
      versionId: account.defaultVersionId,
      document: structuredClone(document),
    };
  }

  async writeBoundaryPolicy(
    accountId: string,
    document: PolicyDocument,
  ): Promise<{ policyArn: string; versionId: string }> {
    this.record(accountId, 'ListPolicyVersions');
    const account = this.account(accountId);
    if (!account.versions) {
      this.record(accountId, 'CreatePolicy');
      account.versions = [];
    } else {
      if (account.versions.length >= 5) {
        this.record(accountId, 'DeletePolicyVersion');
        const oldest = account.versions.findIndex(
          (version) => version.versionId !== account.defaultVersionId,
        );
        account.versions.splice(oldest, 1);
      }
      this.record(accountId, 'CreatePolicyVersion');
    }
    const versionId = `v${account.nextVersion++}`;
    account.versions.push({ versionId, document: structuredClone(document) });
    account.defaultVersionId = versionId;
    return { policyArn: this.policyArnFor(accountId), versionId };
  }

  async deleteBoundaryPolicy(accountId: string): Promise<void> {
    this.record(accountId, 'ListPolicyVersions');
    const account = this.account(accountId);
    if (!account.versions) return;
    const inUse = [...account.principals.values()].some(
      (p) => p.boundaryArn === this.policyArnFor(accountId),
    );
    if (inUse) throw Object.assign(new Error('policy is attached as a boundary'), { name: 'DeleteConflict' });
    this.record(accountId, 'DeletePolicy');
    account.versions = undefined;
    account.defaultVersionId = undefined;
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
      account = { principals: new Map(), versions: undefined, defaultVersionId: undefined, nextVersion: 1 };
      this.accounts.set(accountId, account);
    }
    return account;
  }
}
