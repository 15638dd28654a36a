/**
 * The organization's Identity Center instance, with management-role credentials, in the instance's
 * Region: permission sets and account assignments are written only there.
 */
import {
  AttachCustomerManagedPolicyReferenceToPermissionSetCommand,
  DescribePermissionSetCommand,
  DescribePermissionSetProvisioningStatusCommand,
  GetPermissionsBoundaryForPermissionSetCommand,
  type PermissionSetProvisioningStatus,
  ProvisionPermissionSetCommand,
  PutPermissionsBoundaryToPermissionSetCommand,
  paginateListAccountsForProvisionedPermissionSet,
  paginateListCustomerManagedPolicyReferencesInPermissionSet,
  paginateListInstances,
  paginateListPermissionSets,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { isAwsError } from '#runtime/aws-errors.ts';
import { realSleep, type Sleep } from '#runtime/retry.ts';
import type {
  IdentityCenterPort,
  PermissionSet,
  PermissionSetBoundary,
  PermissionSetRef,
  PolicyReference,
  ProvisioningFailure,
} from '#usecases/ports.ts';
import { type AdapterClientOptions, clientConfigFor } from './client-config.ts';
import type { CredentialChain } from './credentials.ts';

export interface IdentityCenterOptions extends AdapterClientOptions<SSOAdminClient> {
  chain?: CredentialChain;
  /** The Region the instance was enabled in. */
  region: string;
  sleep?: Sleep;
}

/** Provisioning usually finishes in seconds; past this many polls the account is reported failed. */
const STATUS_POLLS = 30;
const POLL_INTERVAL_MS = 2_000;

export class IdentityCenterAdapter implements IdentityCenterPort {
  private readonly client: SSOAdminClient;
  private readonly sleep: Sleep;

  constructor(options: IdentityCenterOptions) {
    this.client =
      options.client ??
      new SSOAdminClient(
        clientConfigFor(options.region, options.clientConfig, options.chain?.managementProvider),
      );
    this.sleep = options.sleep ?? realSleep;
  }

  async listPermissionSets(): Promise<PermissionSet[]> {
    const client = this.client;
    const sets: PermissionSet[] = [];
    for await (const page of paginateListInstances({ client }, {})) {
      for (const instance of page.Instances ?? []) {
        const instanceArn = instance.InstanceArn ?? '';
        for await (const listed of paginateListPermissionSets({ client }, { InstanceArn: instanceArn })) {
          for (const arn of listed.PermissionSets ?? [])
            sets.push(await this.readPermissionSet({ instanceArn, arn }));
        }
      }
    }
    return sets;
  }

  private async readPermissionSet(ref: PermissionSetRef): Promise<PermissionSet> {
    const client = this.client;
    const ids = { InstanceArn: ref.instanceArn, PermissionSetArn: ref.arn };
    const { PermissionSet: described } = await client.send(new DescribePermissionSetCommand(ids));
    const customerPolicies: PolicyReference[] = [];
    for await (const page of paginateListCustomerManagedPolicyReferencesInPermissionSet({ client }, ids)) {
      for (const reference of page.CustomerManagedPolicyReferences ?? [])
        customerPolicies.push({ name: reference.Name ?? '', path: reference.Path ?? '/' });
    }
    const accountIds: string[] = [];
    for await (const page of paginateListAccountsForProvisionedPermissionSet({ client }, ids))
      accountIds.push(...(page.AccountIds ?? []));
    return {
      ...ref,
      name: described?.Name ?? ref.arn,
      boundary: await this.readBoundary(ids),
      customerPolicies,
      accountIds: accountIds.sort(),
    };
  }

  private async readBoundary(ids: {
    InstanceArn: string;
    PermissionSetArn: string;
  }): Promise<PermissionSetBoundary | undefined> {
    try {
      const { PermissionsBoundary: boundary } = await this.client.send(
        new GetPermissionsBoundaryForPermissionSetCommand(ids),
      );
      if (boundary?.CustomerManagedPolicyReference)
        return {
          kind: 'reference',
          name: boundary.CustomerManagedPolicyReference.Name ?? '',
          path: boundary.CustomerManagedPolicyReference.Path ?? '/',
        };
      return boundary?.ManagedPolicyArn
        ? { kind: 'managed', policyArn: boundary.ManagedPolicyArn }
        : undefined;
    } catch (error) {
      // Identity Center answers ResourceNotFound for a permission set without a boundary.
      if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
      throw error;
    }
  }

  async setBoundary(set: PermissionSetRef, reference: PolicyReference): Promise<void> {
    await this.client.send(
      new PutPermissionsBoundaryToPermissionSetCommand({
        InstanceArn: set.instanceArn,
        PermissionSetArn: set.arn,
        PermissionsBoundary: {
          CustomerManagedPolicyReference: { Name: reference.name, Path: reference.path },
        },
      }),
    );
  }

  async attachPolicyReference(set: PermissionSetRef, reference: PolicyReference): Promise<void> {
    try {
      await this.client.send(
        new AttachCustomerManagedPolicyReferenceToPermissionSetCommand({
          InstanceArn: set.instanceArn,
          PermissionSetArn: set.arn,
          CustomerManagedPolicyReference: { Name: reference.name, Path: reference.path },
        }),
      );
    } catch (error) {
      // Attached already: what was wanted.
      if (!isAwsError(error, 'ConflictException')) throw error;
    }
  }

  async provision(set: PermissionSetRef, accountIds: readonly string[]): Promise<ProvisioningFailure[]> {
    const failures: ProvisioningFailure[] = [];
    for (const accountId of accountIds) {
      const { PermissionSetProvisioningStatus: started } = await this.client.send(
        new ProvisionPermissionSetCommand({
          InstanceArn: set.instanceArn,
          PermissionSetArn: set.arn,
          TargetType: 'AWS_ACCOUNT',
          TargetId: accountId,
        }),
      );
      const finished = await this.waitFor(set.instanceArn, started);
      if (finished?.Status !== 'SUCCEEDED')
        failures.push({
          accountId,
          reason: finished?.FailureReason ?? `provisioning ${finished?.Status ?? 'unknown'}`,
        });
    }
    return failures;
  }

  private async waitFor(
    instanceArn: string,
    status: PermissionSetProvisioningStatus | undefined,
  ): Promise<PermissionSetProvisioningStatus | undefined> {
    let current = status;
    for (let poll = 0; current?.Status === 'IN_PROGRESS' && poll < STATUS_POLLS; poll++) {
      await this.sleep(POLL_INTERVAL_MS);
      const answer = await this.client.send(
        new DescribePermissionSetProvisioningStatusCommand({
          InstanceArn: instanceArn,
          ProvisionPermissionSetRequestId: current.RequestId,
        }),
      );
      current = answer.PermissionSetProvisioningStatus;
    }
    return current;
  }
}
