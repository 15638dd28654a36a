import { POLICY_PREFIX } from '#policy/types.ts';
import { RecordConflictError } from '#shared/errors.ts';
import type {
  AccountRecord,
  AccountStorePort,
  FailureNotice,
  ForwardingOptions,
  ForwardingPort,
  NotifierPort,
  OrganizationAccount,
  OrganizationPort,
  OrganizationTree,
  OrganizationView,
  OrganizationViewPort,
  PolicyObjectSummary,
  PolicyStorePort,
  StoredPolicy,
} from '#usecases/ports.ts';

/**
 * The versioned policy bucket: keys are given without the prefix for brevity (`put('r-ab12.json',
 * …)`). Every put adds a version; a read names the version the listing saw, or gets the current one.
 */
export class FakePolicyStore implements PolicyStorePort {
  private readonly objects = new Map<string, { body: string; etag: string; versionId: string }>();
  private readonly versions = new Map<string, { body: string; etag: string; versionId: string }>();
  private counter = 0;
  reads = 0;
  lists = 0;
  /** Runs before every read: lets a test upload a newer object "while" a use case works. */
  beforeRead: ((key: string) => void) | undefined;

  put(name: string, document: unknown): string {
    const body = typeof document === 'string' ? document : JSON.stringify(document);
    const version = ++this.counter;
    const object = { body, etag: `"etag-${version}"`, versionId: `ver-${version}` };
    this.objects.set(POLICY_PREFIX + name, object);
    this.versions.set(`${POLICY_PREFIX + name}@${object.versionId}`, object);
    return POLICY_PREFIX + name;
  }

  /** Like a delete in a versioned bucket: the file is gone, its versions stay readable. */
  remove(name: string): string {
    this.objects.delete(POLICY_PREFIX + name);
    return POLICY_PREFIX + name;
  }

  async listPolicyObjects(): Promise<PolicyObjectSummary[]> {
    this.lists++;
    return [...this.objects.entries()].map(([key, object]) => ({
      key,
      etag: object.etag,
      versionId: object.versionId,
    }));
  }

  async readPolicy(key: string, versionId?: string): Promise<StoredPolicy | undefined> {
    this.reads++;
    this.beforeRead?.(key);
    const object = versionId === undefined ? this.objects.get(key) : this.versions.get(`${key}@${versionId}`);
    return object ? { key, body: object.body, etag: object.etag, versionId: object.versionId } : undefined;
  }
}

/** DynamoDB table with the same optimistic-lock contract as the real adapter. */
export class FakeAccountStore implements AccountStorePort {
  readonly records = new Map<string, AccountRecord>();
  gets = 0;

  async get(accountId: string): Promise<AccountRecord | undefined> {
    this.gets++;
    const record = this.records.get(accountId);
    return record ? structuredClone(record) : undefined;
  }

  async save(record: AccountRecord, expectedRevision: number | undefined): Promise<AccountRecord> {
    const current = this.records.get(record.accountId);
    if (current?.revision !== expectedRevision) throw new RecordConflictError(record.accountId);
    const saved = { ...structuredClone(record), revision: (expectedRevision ?? 0) + 1 };
    this.records.set(record.accountId, saved);
    return structuredClone(saved);
  }

  async delete(accountId: string): Promise<void> {
    this.records.delete(accountId);
  }

  async listAll(): Promise<AccountRecord[]> {
    return [...this.records.values()].map((record) => structuredClone(record));
  }
}

export class FakeNotifier implements NotifierPort {
  readonly notices: FailureNotice[] = [];

  async notify(notice: FailureNotice): Promise<void> {
    this.notices.push(structuredClone(notice));
  }

  codes(): string[] {
    return this.notices.map((notice) => notice.code);
  }
}

export class FakeForwarding implements ForwardingPort {
  readonly active = new Map<string, ForwardingOptions>();
  failWith: Error | undefined;

  async ensureForwarding(accountId: string, options: ForwardingOptions): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.active.set(accountId, options);
  }

  async removeForwarding(accountId: string): Promise<void> {
    this.active.delete(accountId);
  }
}

/**
 * Organizations as a map of account → OU path (root first). OUs exist where some path names them,
 * or where `units` adds one (an empty OU); `names` renames them; `states` closes accounts.
 */
export class FakeOrganization implements OrganizationPort {
  readonly paths = new Map<string, string[]>();
  readonly states = new Map<string, OrganizationAccount['state']>();
  readonly names = new Map<string, string>();
  /** Extra OUs no account sits in: OU id → parent id. */
  readonly units = new Map<string, string>();
  failWith: Error | undefined;
  /** Organizations calls by operation, as a throttle would count them. */
  readonly calls: string[] = [];

  async ouPathOf(childId: string): Promise<string[]> {
    this.calls.push('ListParents');
    if (this.failWith) throw this.failWith;
    const path = this.paths.get(childId) ?? this.pathAbove(childId);
    if (!path)
      throw Object.assign(new Error(`child ${childId} not found`), { name: 'ChildNotFoundException' });
    return [...path];
  }

  async describeAccount(accountId: string): Promise<OrganizationAccount | undefined> {
    this.calls.push('DescribeAccount');
    if (this.failWith) throw this.failWith;
    if (!this.paths.has(accountId)) return undefined;
    return { accountId, name: `account ${accountId}`, state: this.states.get(accountId) ?? 'ACTIVE' };
  }

  async readTree(): Promise<OrganizationTree> {
    this.calls.push('ReadTree');
    if (this.failWith) throw this.failWith;
    const parents = this.parents();
    const depth = (id: string): number => this.pathAbove(id)?.length ?? 0;
    const units = [...parents.entries()]
      .map(([id, parentId]) => ({ id, name: this.names.get(id) ?? id, parentId }))
      .sort((a, b) => depth(a.id) - depth(b.id));
    const accounts = [...this.paths.entries()].map(([accountId, path]) => ({
      accountId,
      name: `account ${accountId}`,
      state: this.states.get(accountId) ?? ('ACTIVE' as const),
      parentId: path[path.length - 1] ?? '',
    }));
    return { units, accounts };
  }

  async rootId(): Promise<string> {
    this.calls.push('ListRoots');
    if (this.failWith) throw this.failWith;
    const root = [...this.parents().entries()].find(([, parent]) => parent === undefined)?.[0];
    return root ?? 'r-ab12';
  }

  /** Moves an account, as MoveAccount does. */
  move(accountId: string, path: string[]): void {
    this.paths.set(accountId, [...path]);
  }

  /** Every root and OU with its parent (undefined for a root). */
  private parents(): Map<string, string | undefined> {
    const parents = new Map<string, string | undefined>(this.units);
    for (const path of this.paths.values())
      path.forEach((id, index) => {
        parents.set(id, index === 0 ? undefined : path[index - 1]);
      });
    return parents;
  }

  /** Root first, down to the parent of an OU; undefined for an id that is no OU or root. */
  private pathAbove(id: string): string[] | undefined {
    const parents = this.parents();
    if (!parents.has(id)) return undefined;
    const path: string[] = [];
    for (let parent = parents.get(id); parent !== undefined; parent = parents.get(parent))
      path.unshift(parent);
    return path;
  }
}

export class FakeOrganizationView implements OrganizationViewPort {
  view: OrganizationView | undefined;

  async read(): Promise<OrganizationView | undefined> {
    return this.view ? structuredClone(this.view) : undefined;
  }

  async save(view: OrganizationView): Promise<void> {
    this.view = structuredClone(view);
  }
}
