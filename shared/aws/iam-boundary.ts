import {
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteUserPermissionsBoundaryCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetUserCommand,
  type IAMClient,
  ListPolicyVersionsCommand,
  type PolicyVersion,
  PutRolePermissionsBoundaryCommand,
  PutUserPermissionsBoundaryCommand,
  paginateListRoles,
  paginateListUsers,
} from '@aws-sdk/client-iam';
import { isAdditionalPolicyName } from '#policy/additional-names.ts';
import { iamPolicyArn } from '#policy/arn.ts';
import type { ManagedPolicyDocument } from '#policy/types.ts';
import {
  CREDENTIAL_PROPAGATION_ERRORS,
  ENTITY_PROPAGATION_ERRORS,
  IAM_QUOTA_FULL,
  isAwsError,
  NO_SUCH_ENTITY,
} from '#runtime/aws-errors.ts';
import { type ConsistencyRetryOptions, retryEventualConsistency } from '#runtime/retry.ts';
import type {
  AttachOutcome,
  BoundaryIamPort,
  BoundaryPolicyVersion,
  PolicyHolder,
  Principal,
  PrincipalRef,
  PrincipalState,
  WriteBoundaryOptions,
} from '#usecases/ports.ts';
import {
  attachManagedPolicy,
  detachManagedPolicy,
  type IamCallers,
  policyHolders,
} from './iam-attachments.ts';
import { parseManagedPolicyDocument } from './iam-policy-document.ts';

export interface BoundaryIamOptions {
  /** IAM client acting in the member account (see member-clients.ts). */
  iamClientFor: (accountId: string) => IAMClient;
  partition: string;
  policyName: string;
  /** Overrides for the eventual-consistency retry (tests pass a no-op sleep). */
  retry?: Omit<ConsistencyRetryOptions, 'retryOn'>;
}

/** IAM keeps at most five versions of a managed policy. */
export const MAX_POLICY_VERSIONS = 5;

/**
 * What IAM answers when the versions are not the ones writeAfterKnownVersion assumed: five other
 * versions exist, vN-4 is the default, or the policy does not exist.
 */
const KNOWN_VERSION_REFUSALS = [IAM_QUOTA_FULL, 'DeleteConflict', NO_SUCH_ENTITY];

export class BoundaryIamAdapter implements BoundaryIamPort {
  constructor(private readonly options: BoundaryIamOptions) {}

  policyArnFor(accountId: string, policyName: string = this.options.policyName): string {
    return iamPolicyArn(this.options.partition, accountId, policyName);
  }

  async readBoundaryPolicy(
    accountId: string,
    policyName?: string,
  ): Promise<BoundaryPolicyVersion | undefined> {
    const policyArn = this.policyArnFor(accountId, policyName);
    const found = await this.readDefaultVersion(this.options.iamClientFor(accountId), policyArn);
    return found && { policyArn, ...found };
  }

  async readManagedPolicy(accountId: string, policyArn: string): Promise<ManagedPolicyDocument | undefined> {
    return (await this.readDefaultVersion(this.options.iamClientFor(accountId), policyArn))?.document;
  }

  async writeBoundaryPolicy(
    accountId: string,
    document: ManagedPolicyDocument,
    { policyName = this.options.policyName, lastVersionId }: WriteBoundaryOptions = {},
  ): Promise<{ policyArn: string; versionId: string }> {
    const iam = this.options.iamClientFor(accountId);
    const policyArn = this.policyArnFor(accountId, policyName);
    const text = JSON.stringify(document);
    const known = lastVersionId && (await this.writeAfterKnownVersion(iam, policyArn, text, lastVersionId));
    if (known) return { policyArn, versionId: known };
    const versions = await this.listVersions(iam, policyArn);
    if (versions === undefined) {
      const created = await this.createPolicy(iam, policyName, text);
      if (created) return { policyArn, versionId: created };
    } else if (versions.length >= MAX_POLICY_VERSIONS) {
      await this.deleteVersion(iam, policyArn, oldestNonDefault(versions)?.VersionId);
    }
    return { policyArn, versionId: await this.createDefaultVersion(iam, policyArn, text) };
  }

  /**
   * IAM numbers a policy's versions v1, v2, … without reusing a number, and only the organization
   * access role may add versions to our policies besides us (protective statements). So when vN is
   * the last default we know of, the versions kept are at most vN-4 … vN: pruning vN-4 makes room
   * for one more without listing them (2 IAM calls instead of 3 on every policy change). When the
   * guess is wrong (other versions, a default rolled back to vN-4, the policy gone) IAM refuses,
   * and undefined sends the caller to the listing path.
   */
  private async writeAfterKnownVersion(
    iam: IAMClient,
    policyArn: string,
    text: string,
    lastVersionId: string,
  ): Promise<string | undefined> {
    const number = /^v(\d+)$/.exec(lastVersionId)?.[1];
    if (number === undefined) return undefined;
    const oldestKept = Number(number) - (MAX_POLICY_VERSIONS - 1);
    try {
      if (oldestKept >= 1) await this.deleteVersion(iam, policyArn, `v${oldestKept}`);
      return await this.createDefaultVersion(iam, policyArn, text);
    } catch (error) {
      if (isAwsError(error, ...KNOWN_VERSION_REFUSALS)) return undefined;
      throw error;
    }
  }

  private async createDefaultVersion(iam: IAMClient, policyArn: string, text: string): Promise<string> {
    const output = await this.call(() =>
      iam.send(
        new CreatePolicyVersionCommand({ PolicyArn: policyArn, PolicyDocument: text, SetAsDefault: true }),
      ),
    );
    return output.PolicyVersion?.VersionId ?? '';
  }

  async deleteBoundaryPolicy(accountId: string, policyName?: string): Promise<void> {
    const iam = this.options.iamClientFor(accountId);
    const policyArn = this.policyArnFor(accountId, policyName);
    const versions = await this.listVersions(iam, policyArn);
    if (versions === undefined) return;
    // IAM refuses to delete a policy that still has non-default versions.
    for (const version of versions.filter((v) => !v.IsDefaultVersion)) {
      await this.deleteVersion(iam, policyArn, version.VersionId);
    }
    await this.ignoringMissing(() =>
      this.call(() => iam.send(new DeletePolicyCommand({ PolicyArn: policyArn }))),
    );
  }

  async listPrincipals(accountId: string): Promise<Principal[]> {
    const iam = this.options.iamClientFor(accountId);
    const principals: Principal[] = [];
    for await (const page of paginateListUsers({ client: iam }, {})) {
      for (const user of page.Users ?? []) {
        principals.push({
          kind: 'user',
          name: user.UserName ?? '',
          arn: user.Arn ?? '',
          path: user.Path ?? '/',
        });
      }
    }
    for await (const page of paginateListRoles({ client: iam }, {})) {
      for (const role of page.Roles ?? []) {
        principals.push({
          kind: 'role',
          name: role.RoleName ?? '',
          arn: role.Arn ?? '',
          path: role.Path ?? '/',
        });
      }
    }
    return principals;
  }

  async readPrincipal(accountId: string, ref: PrincipalRef): Promise<PrincipalState | undefined> {
    const iam = this.options.iamClientFor(accountId);
    try {
      const entity = await this.callAfterCreate(async () =>
        ref.kind === 'user'
          ? (await iam.send(new GetUserCommand({ UserName: ref.name }))).User
          : (await iam.send(new GetRoleCommand({ RoleName: ref.name }))).Role,
      );
      if (!entity) return undefined;
      return {
        ...ref,
        arn: entity.Arn ?? '',
        path: entity.Path ?? '/',
        boundaryArn: entity.PermissionsBoundary?.PermissionsBoundaryArn,
      };
    } catch (error) {
      if (isAwsError(error, NO_SUCH_ENTITY)) return undefined;
      throw error;
    }
  }

  async attachBoundary(accountId: string, ref: PrincipalRef, policyArn: string): Promise<void> {
    const iam = this.options.iamClientFor(accountId);
    await this.callAfterCreate(() =>
      ref.kind === 'user'
        ? iam.send(
            new PutUserPermissionsBoundaryCommand({ UserName: ref.name, PermissionsBoundary: policyArn }),
          )
        : iam.send(
            new PutRolePermissionsBoundaryCommand({ RoleName: ref.name, PermissionsBoundary: policyArn }),
          ),
    );
  }

  async detachBoundary(accountId: string, ref: PrincipalRef): Promise<void> {
    const iam = this.options.iamClientFor(accountId);
    await this.ignoringMissing(() =>
      this.call(() =>
        ref.kind === 'user'
          ? iam.send(new DeleteUserPermissionsBoundaryCommand({ UserName: ref.name }))
          : iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: ref.name })),
      ),
    );
  }

  attachPolicy(accountId: string, ref: PrincipalRef, policyArn: string): Promise<AttachOutcome> {
    return attachManagedPolicy(this.options.iamClientFor(accountId), this.callers, ref, policyArn);
  }

  detachPolicy(accountId: string, holder: PolicyHolder, policyArn: string): Promise<void> {
    return detachManagedPolicy(this.options.iamClientFor(accountId), this.callers, holder, policyArn);
  }

  listPolicyHolders(accountId: string, policyArn: string): Promise<PolicyHolder[] | undefined> {
    return policyHolders(this.options.iamClientFor(accountId), this.callers, policyArn);
  }

  private readonly callers: IamCallers = {
    call: (send) => this.call(send),
    callAfterCreate: (send) => this.callAfterCreate(send),
  };

  private async listVersions(iam: IAMClient, policyArn: string): Promise<PolicyVersion[] | undefined> {
    try {
      const output = await this.call(() => iam.send(new ListPolicyVersionsCommand({ PolicyArn: policyArn })));
      return output.Versions ?? [];
    } catch (error) {
      if (isAwsError(error, NO_SUCH_ENTITY)) return undefined;
      throw error;
    }
  }

  private async readDefaultVersion(
    iam: IAMClient,
    policyArn: string,
  ): Promise<{ versionId: string; document: ManagedPolicyDocument } | undefined> {
    try {
      const policy = await this.call(() => iam.send(new GetPolicyCommand({ PolicyArn: policyArn })));
      const versionId = policy.Policy?.DefaultVersionId ?? 'v1';
      const version = await this.call(() =>
        iam.send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId })),
      );
      return {
        versionId,
        document: parseManagedPolicyDocument(version.PolicyVersion?.Document ?? '', policyArn),
      };
    } catch (error) {
      if (isAwsError(error, NO_SUCH_ENTITY)) return undefined;
      throw error;
    }
  }

  /** Version id of the new policy, or undefined when a concurrent invocation created it first. */
  private async createPolicy(iam: IAMClient, policyName: string, text: string): Promise<string | undefined> {
    try {
      const output = await this.call(() =>
        iam.send(
          new CreatePolicyCommand({
            PolicyName: policyName,
            PolicyDocument: text,
            Description: this.descriptionOf(policyName),
          }),
        ),
      );
      return output.Policy?.DefaultVersionId ?? 'v1';
    } catch (error) {
      if (isAwsError(error, 'EntityAlreadyExists')) return undefined;
      throw error;
    }
  }

  private descriptionOf(policyName: string): string {
    if (policyName === this.options.policyName)
      return 'scp-alt: service control policies of this account, enforced as permissions boundary';
    if (isAdditionalPolicyName(this.options.policyName, policyName))
      return 'scp-alt: Deny statements of this account that do not fit in scp-enforce-policy';
    return 'scp-alt: a customer boundary intersected with scp-enforce-policy';
  }

  /** A version that is already gone is not an error. */
  private async deleteVersion(
    iam: IAMClient,
    policyArn: string,
    versionId: string | undefined,
  ): Promise<void> {
    if (!versionId) return;
    await this.ignoringMissing(() =>
      this.call(() =>
        iam.send(new DeletePolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId })),
      ),
    );
  }

  private call<T>(send: () => Promise<T>): Promise<T> {
    return retryEventualConsistency(send, { ...this.options.retry, retryOn: CREDENTIAL_PROPAGATION_ERRORS });
  }

  /** For principals named by a fresh CreateUser/CreateRole event, which IAM may not show yet. */
  private callAfterCreate<T>(send: () => Promise<T>): Promise<T> {
    return retryEventualConsistency(send, { ...this.options.retry, retryOn: ENTITY_PROPAGATION_ERRORS });
  }

  private async ignoringMissing(run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (error) {
      if (!isAwsError(error, NO_SUCH_ENTITY)) throw error;
    }
  }
}

function oldestNonDefault(versions: PolicyVersion[]): PolicyVersion | undefined {
  const candidates = versions.filter((version) => !version.IsDefaultVersion);
  return candidates.reduce<PolicyVersion | undefined>(
    (oldest, version) =>
      !oldest || (version.CreateDate?.getTime() ?? 0) < (oldest.CreateDate?.getTime() ?? 0)
        ? version
        : oldest,
    undefined,
  );
}
