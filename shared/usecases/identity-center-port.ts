/** What the Identity Center use case (identity-center.ts) needs of the instance, in domain words. */

/** A customer-managed policy named by reference: the policy of that name and path in each account. */
export interface PolicyReference {
  name: string;
  path: string;
}

export type PermissionSetBoundary =
  | ({ kind: 'reference' } & PolicyReference)
  | { kind: 'managed'; policyArn: string };

export interface PermissionSetRef {
  instanceArn: string;
  arn: string;
}

export interface PermissionSet extends PermissionSetRef {
  name: string;
  boundary: PermissionSetBoundary | undefined;
  customerPolicies: PolicyReference[];
  /** The accounts it is provisioned to: each holds its AWSReservedSSO_<name>_<hash> role. */
  accountIds: string[];
}

/** One account whose provisioning failed, with Identity Center's reason. */
export interface ProvisioningFailure {
  accountId: string;
  reason: string;
}

/**
 * The Identity Center instance of the organization, reached from the management account (or the
 * delegated administrator) in the instance's Region, where permission sets can be written.
 */
export interface IdentityCenterPort {
  /** Every permission set of every instance the caller can see, with what it references. */
  listPermissionSets(): Promise<PermissionSet[]>;
  setBoundary(set: PermissionSetRef, reference: PolicyReference): Promise<void>;
  attachPolicyReference(set: PermissionSetRef, reference: PolicyReference): Promise<void>;
  /** Re-provisions to each account and waits for the outcome; answers the accounts that failed. */
  provision(set: PermissionSetRef, accountIds: readonly string[]): Promise<ProvisioningFailure[]>;
}
