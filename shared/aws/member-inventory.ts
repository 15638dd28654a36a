/**
 * Read-only inventory of a member account for the exposure checks: roles with their trust, and
 * the compute that runs as a given role. Functions and stacks are read through a
 * RegionalComputeReader, given only where compute is reported (compute-clients.ts).
 */
import { paginateListInstanceProfiles, paginateListRoles } from '@aws-sdk/client-iam';
import { errorText } from '#shared/errors.ts';
import type { ComputeInventory, MemberInventoryPort, RoleTrust, RoleUse } from '#usecases/ports.ts';
import type { BuiltClientConfig } from './client-config.ts';
import type { RegionalComputeReader } from './compute-clients.ts';
import type { MemberClientsFor } from './member-clients.ts';

export interface MemberInventoryOptions {
  clientsFor: MemberClientsFor;
  /** Client settings acting in the member account in a given region. */
  regionalConfig: (accountId: string, region: string) => BuiltClientConfig;
  /** Without it, functions and stacks are reported as not read. */
  computeReader?: RegionalComputeReader | undefined;
}

export class MemberInventoryAdapter implements MemberInventoryPort {
  constructor(private readonly options: MemberInventoryOptions) {}

  async listRoleTrusts(accountId: string): Promise<RoleTrust[]> {
    const { iam } = this.options.clientsFor(accountId);
    const roles: RoleTrust[] = [];
    for await (const page of paginateListRoles({ client: iam }, {})) {
      for (const role of page.Roles ?? []) {
        roles.push({
          arn: role.Arn ?? '',
          name: role.RoleName ?? '',
          path: role.Path ?? '/',
          trustPolicy: parseDocument(role.AssumeRolePolicyDocument),
        });
      }
    }
    return roles;
  }

  async computeUsingRoles(
    accountId: string,
    roleArns: readonly string[],
    regions: readonly string[],
  ): Promise<ComputeInventory> {
    const wanted = new Set(roleArns);
    const inventory: ComputeInventory = { uses: [], unread: [] };
    const collect = async (what: string, list: () => Promise<RoleUse[]>) => {
      try {
        inventory.uses.push(...(await list()).filter((use) => wanted.has(use.roleArn)));
      } catch (error) {
        inventory.unread.push(`${what}: ${errorText(error)}`);
      }
    };
    await collect('instance profiles', () => this.instanceProfiles(accountId));
    const reader = this.options.computeReader;
    if (!reader) {
      inventory.unread.push('Lambda functions and CloudFormation stacks: not read by this function');
      return inventory;
    }
    for (const region of regions) {
      const config = this.options.regionalConfig(accountId, region);
      await collect(`Lambda functions in ${region}`, () => reader.functions(config));
      await collect(`CloudFormation stacks in ${region}`, () => reader.stacks(config));
    }
    return inventory;
  }

  private async instanceProfiles(accountId: string): Promise<RoleUse[]> {
    const { iam } = this.options.clientsFor(accountId);
    const uses: RoleUse[] = [];
    for await (const page of paginateListInstanceProfiles({ client: iam }, {})) {
      for (const profile of page.InstanceProfiles ?? []) {
        for (const role of profile.Roles ?? []) {
          uses.push({ kind: 'instance-profile', arn: profile.Arn ?? '', roleArn: role.Arn ?? '' });
        }
      }
    }
    return uses;
  }
}

/** IAM returns policy documents URL-encoded. */
function parseDocument(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text.trimStart().startsWith('{') ? text : decodeURIComponent(text));
  } catch {
    return undefined;
  }
}
