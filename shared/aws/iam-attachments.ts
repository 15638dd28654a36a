/**
 * Managed policies attached to users and roles (the additional policies beside the boundary):
 * attach, detach, and who holds a policy. Used by iam-boundary.ts, which supplies the retries.
 */
import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  DetachGroupPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  type IAMClient,
  paginateListEntitiesForPolicy,
} from '@aws-sdk/client-iam';
import { IAM_QUOTA_FULL, isAwsError, NO_SUCH_ENTITY } from '#runtime/aws-errors.ts';
import type { AttachOutcome, PolicyHolder, PrincipalRef } from '#usecases/ports.ts';

/** How the adapter retries: `call` for ordinary calls, `callAfterCreate` for principals named by a fresh event. */
export interface IamCallers {
  call<T>(send: () => Promise<T>): Promise<T>;
  callAfterCreate<T>(send: () => Promise<T>): Promise<T>;
}

/**
 * IAM answers LimitExceeded when the principal already holds its quota of attached managed
 * policies; attaching a policy that is already attached succeeds and changes nothing.
 */
export async function attachManagedPolicy(
  iam: IAMClient,
  callers: IamCallers,
  ref: PrincipalRef,
  policyArn: string,
): Promise<AttachOutcome> {
  try {
    await callers.callAfterCreate(() =>
      ref.kind === 'user'
        ? iam.send(new AttachUserPolicyCommand({ UserName: ref.name, PolicyArn: policyArn }))
        : iam.send(new AttachRolePolicyCommand({ RoleName: ref.name, PolicyArn: policyArn })),
    );
    return 'attached';
  } catch (error) {
    if (isAwsError(error, IAM_QUOTA_FULL)) return 'quota-full';
    throw error;
  }
}

export async function detachManagedPolicy(
  iam: IAMClient,
  callers: IamCallers,
  holder: PolicyHolder,
  policyArn: string,
): Promise<void> {
  const send = () => {
    switch (holder.kind) {
      case 'user':
        return iam.send(new DetachUserPolicyCommand({ UserName: holder.name, PolicyArn: policyArn }));
      case 'role':
        return iam.send(new DetachRolePolicyCommand({ RoleName: holder.name, PolicyArn: policyArn }));
      case 'group':
        return iam.send(new DetachGroupPolicyCommand({ GroupName: holder.name, PolicyArn: policyArn }));
    }
  };
  try {
    await callers.call(send);
  } catch (error) {
    if (!isAwsError(error, NO_SUCH_ENTITY)) throw error;
  }
}

/** Who holds the policy as a permissions policy; undefined when the policy does not exist. */
export async function policyHolders(
  iam: IAMClient,
  callers: IamCallers,
  policyArn: string,
): Promise<PolicyHolder[] | undefined> {
  try {
    // The retry wraps the whole listing (a read), so an attempt starts again from the first page.
    return await callers.call(async () => {
      const holders: PolicyHolder[] = [];
      const pages = paginateListEntitiesForPolicy(
        { client: iam },
        { PolicyArn: policyArn, PolicyUsageFilter: 'PermissionsPolicy' },
      );
      for await (const page of pages) {
        for (const user of page.PolicyUsers ?? []) holders.push({ kind: 'user', name: user.UserName ?? '' });
        for (const role of page.PolicyRoles ?? []) holders.push({ kind: 'role', name: role.RoleName ?? '' });
        for (const group of page.PolicyGroups ?? [])
          holders.push({ kind: 'group', name: group.GroupName ?? '' });
      }
      return holders;
    });
  } catch (error) {
    if (isAwsError(error, NO_SUCH_ENTITY)) return undefined;
    throw error;
  }
}
