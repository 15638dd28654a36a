/**
 * Native service control policies in AWS Organizations, acted on with management-account
 * credentials: used by `scp-alt export-native --apply` to move from the emulation to native SCPs.
 */
import {
  AttachPolicyCommand,
  CreatePolicyCommand,
  DeletePolicyCommand,
  DetachPolicyCommand,
  OrganizationsClient,
  paginateListPolicies,
  paginateListPoliciesForTarget,
  UpdatePolicyCommand,
} from '@aws-sdk/client-organizations';
import { isAwsError } from '#runtime/aws-errors.ts';
import { type AdapterClientOptions, type CredentialsConfig, clientConfigFor } from './client-config.ts';

export interface NativeScpSummary {
  id: string;
  name: string;
}

/** The Organizations calls the native export needs, in domain terms. */
export interface NativeScpPort {
  /** Every service control policy of the organization. */
  listPolicies(): Promise<NativeScpSummary[]>;
  /** SCPs attached directly to a root, OU or account id. */
  policiesAttachedTo(targetId: string): Promise<NativeScpSummary[]>;
  /** Returns the new policy id. */
  createPolicy(name: string, description: string, content: string): Promise<string>;
  updatePolicy(policyId: string, content: string): Promise<void>;
  /** Attaching an attached policy is not an error. */
  attachPolicy(policyId: string, targetId: string): Promise<void>;
  /** Detaching a policy that is not attached is not an error. */
  detachPolicy(policyId: string, targetId: string): Promise<void>;
  deletePolicy(policyId: string): Promise<void>;
}

export interface NativeScpOptions extends AdapterClientOptions<OrganizationsClient> {
  /** The partition's Organizations endpoint region. */
  region: string;
  /** Management-account credentials (CredentialChain.managementProvider). */
  credentials?: CredentialsConfig;
}

const SCP = 'SERVICE_CONTROL_POLICY';

export class NativeScpAdapter implements NativeScpPort {
  private readonly organizations: OrganizationsClient;

  constructor(options: NativeScpOptions) {
    this.organizations =
      options.client ??
      new OrganizationsClient(clientConfigFor(options.region, options.clientConfig, options.credentials));
  }

  async listPolicies(): Promise<NativeScpSummary[]> {
    const found: NativeScpSummary[] = [];
    for await (const page of paginateListPolicies({ client: this.organizations }, { Filter: SCP })) {
      for (const policy of page.Policies ?? []) found.push(summary(policy));
    }
    return found;
  }

  async policiesAttachedTo(targetId: string): Promise<NativeScpSummary[]> {
    const found: NativeScpSummary[] = [];
    const pages = paginateListPoliciesForTarget(
      { client: this.organizations },
      { TargetId: targetId, Filter: SCP },
    );
    for await (const page of pages) {
      for (const policy of page.Policies ?? []) found.push(summary(policy));
    }
    return found;
  }

  async createPolicy(name: string, description: string, content: string): Promise<string> {
    const output = await this.organizations.send(
      new CreatePolicyCommand({ Name: name, Description: description, Content: content, Type: SCP }),
    );
    const id = output.Policy?.PolicySummary?.Id;
    if (!id) throw new Error(`CreatePolicy ${name} returned no policy id`);
    return id;
  }

  async updatePolicy(policyId: string, content: string): Promise<void> {
    await this.organizations.send(new UpdatePolicyCommand({ PolicyId: policyId, Content: content }));
  }

  async attachPolicy(policyId: string, targetId: string): Promise<void> {
    try {
      await this.organizations.send(new AttachPolicyCommand({ PolicyId: policyId, TargetId: targetId }));
    } catch (error) {
      if (!isAwsError(error, 'DuplicatePolicyAttachmentException')) throw error;
    }
  }

  async detachPolicy(policyId: string, targetId: string): Promise<void> {
    try {
      await this.organizations.send(new DetachPolicyCommand({ PolicyId: policyId, TargetId: targetId }));
    } catch (error) {
      if (!isAwsError(error, 'PolicyNotAttachedException')) throw error;
    }
  }

  async deletePolicy(policyId: string): Promise<void> {
    await this.organizations.send(new DeletePolicyCommand({ PolicyId: policyId }));
  }
}

function summary(policy: { Id?: string | undefined; Name?: string | undefined }): NativeScpSummary {
  return { id: policy.Id ?? '', name: policy.Name ?? '' };
}
