import type {
  IdentityCenterPort,
  PermissionSet,
  PermissionSetRef,
  PolicyReference,
  ProvisioningFailure,
} from '#usecases/ports.ts';

/** An Identity Center instance in memory: permission sets, and what was provisioned where. */
export class FakeIdentityCenter implements IdentityCenterPort {
  readonly sets = new Map<string, PermissionSet>();
  readonly provisioned: { name: string; accountIds: string[] }[] = [];
  /** Accounts where provisioning fails, with Identity Center's reason. */
  readonly failingAccounts = new Map<string, string>();

  add(name: string, accountIds: string[], extra: Partial<PermissionSet> = {}): PermissionSet {
    const set: PermissionSet = {
      instanceArn: 'arn:aws-cn:sso:::instance/ssoins-1',
      arn: `arn:aws-cn:sso:::permissionSet/ssoins-1/ps-${name.toLowerCase()}`,
      name,
      boundary: undefined,
      customerPolicies: [],
      accountIds,
      ...extra,
    };
    this.sets.set(set.arn, set);
    return set;
  }

  async listPermissionSets(): Promise<PermissionSet[]> {
    return [...this.sets.values()].map((set) => structuredClone(set));
  }

  async setBoundary(ref: PermissionSetRef, reference: PolicyReference): Promise<void> {
    const set = this.sets.get(ref.arn);
    if (set) set.boundary = { kind: 'reference', ...reference };
  }

  async attachPolicyReference(ref: PermissionSetRef, reference: PolicyReference): Promise<void> {
    this.sets.get(ref.arn)?.customerPolicies.push(reference);
  }

  async provision(ref: PermissionSetRef, accountIds: readonly string[]): Promise<ProvisioningFailure[]> {
    this.provisioned.push({ name: this.sets.get(ref.arn)?.name ?? ref.arn, accountIds: [...accountIds] });
    return accountIds.flatMap((accountId) => {
      const reason = this.failingAccounts.get(accountId);
      return reason ? [{ accountId, reason }] : [];
    });
  }
}
