import { ListParentsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import type { OrganizationPort } from '#usecases/ports.ts';
import { type AdapterClientOptions, clientConfigFor } from './client-config.ts';
import type { CredentialChain } from './credentials.ts';

export interface OrganizationOptions extends AdapterClientOptions<OrganizationsClient> {
  /** Builds the client with management-role credentials when no client is given. */
  chain?: CredentialChain;
  /** The partition's Organizations endpoint region (partitionInfo(p).organizationsRegion). */
  region: string;
}

// An organization nests OUs at most five deep; the bound only guards against a looping answer.
const MAX_DEPTH = 8;

export class OrganizationAdapter implements OrganizationPort {
  private readonly organizations: OrganizationsClient;

  constructor(options: OrganizationOptions) {
    this.organizations =
      options.client ??
      new OrganizationsClient(
        clientConfigFor(options.region, options.clientConfig, options.chain?.managementProvider),
      );
  }

  async ouPathOf(accountId: string): Promise<string[]> {
    const path: string[] = [];
    let childId = accountId;
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      const output = await this.organizations.send(new ListParentsCommand({ ChildId: childId }));
      const parent = output.Parents?.[0];
      if (!parent?.Id) break;
      path.unshift(parent.Id);
      if (parent.Type === 'ROOT') return path;
      childId = parent.Id;
    }
    throw new Error(`no organization root found above ${accountId} (got ${path.join(' → ') || 'nothing'})`);
  }
}
