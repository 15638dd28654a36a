import type { ComputeInventory, MemberInventoryPort, RoleTrust, RoleUse } from '#usecases/ports.ts';

/** Roles with their trust and the compute running as roles, per member account, set by the test. */
export class FakeInventory implements MemberInventoryPort {
  private readonly trusts = new Map<string, RoleTrust[]>();
  private readonly uses = new Map<string, RoleUse[]>();
  /** Regions asked for, per call of computeUsingRoles. */
  readonly regionsAsked: string[][] = [];
  failWith: Error | undefined;

  setTrust(accountId: string, roleName: string, trustPolicy: unknown, path = '/'): void {
    const arn = `arn:aws-cn:iam::${accountId}:role${path}${roleName}`;
    const others = (this.trusts.get(accountId) ?? []).filter((role) => role.name !== roleName);
    this.trusts.set(accountId, [...others, { arn, name: roleName, path, trustPolicy }]);
  }

  addUse(accountId: string, use: RoleUse): void {
    this.uses.set(accountId, [...(this.uses.get(accountId) ?? []), use]);
  }

  async listRoleTrusts(accountId: string): Promise<RoleTrust[]> {
    if (this.failWith) throw this.failWith;
    return structuredClone(this.trusts.get(accountId) ?? []);
  }

  async computeUsingRoles(
    accountId: string,
    roleArns: readonly string[],
    regions: readonly string[],
  ): Promise<ComputeInventory> {
    this.regionsAsked.push([...regions]);
    if (this.failWith) throw this.failWith;
    const wanted = new Set(roleArns);
    return { uses: (this.uses.get(accountId) ?? []).filter((use) => wanted.has(use.roleArn)), unread: [] };
  }
}
