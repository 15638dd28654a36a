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
import type { PolicyDocument } from '../policy/types.ts';
import {
  type ConsistencyRetryOptions,
  CREDENTIAL_PROPAGATION_ERRORS,
  ENTITY_PROPAGATION_ERRORS,
  isAwsError,
  retryEventualConsistency,
} from '../retry.ts';
import type {
  BoundaryIamPort,
  BoundaryPolicyVersion,
  Principal,
  PrincipalRef,
  PrincipalState,
} from './ports.ts';

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

export class BoundaryIamAdapter implements BoundaryIamPort {
  constructor(private readonly options: BoundaryIamOptions) {}

  policyArnFor(accountId: string, policyName: string = this.options.policyName): string {
    return `arn:${this.options.partition}:iam::${accountId}:policy/${policyName}`;
  }

  async readBoundaryPolicy(
    accountId: string,
    policyName?: string,
  ): Promise<BoundaryPolicyVersion | undefined> {
    const policyArn = this.policyArnFor(accountId, policyName);
    const found = await this.readDefaultVersion(this.options.iamClientFor(accountId), policyArn);
    return found && { policyArn, ...found };
  }

  async readManagedPolicy(accountId: string, policyArn: string): Promise<PolicyDocument | undefined> {
    return (await this.readDefaultVersion(this.options.iamClientFor(accountId), policyArn))?.document;
  }

  async writeBoundaryPolicy(
    accountId: string,
    document: PolicyDocument,
    policyName: string = this.options.policyName,
  ): Promise<{ policyArn: string; versionId: string }> {
    const iam = this.options.iamClientFor(accountId);
    const policyArn = this.policyArnFor(accountId, policyName);
    const text = JSON.stringify(document);
    const versions = await this.listVersions(iam, policyArn);
    if (versions === undefined) {
      const created = await this.createPolicy(iam, policyName, text);
      if (created) return { policyArn, versionId: created };
    } else if (versions.length >= MAX_POLICY_VERSIONS) {
      await this.deleteVersion(iam, policyArn, oldestNonDefault(versions));
    }
    const output = await this.call(() =>
      iam.send(
        new CreatePolicyVersionCommand({ PolicyArn: policyArn, PolicyDocument: text, SetAsDefault: true }),
      ),
    );
    return { policyArn, versionId: output.PolicyVersion?.VersionId ?? '' };
  }

  async deleteBoundaryPolicy(accountId: string, policyName?: string): Promise<void> {
    const iam = this.options.iamClientFor(accountId);
    const policyArn = this.policyArnFor(accountId, policyName);
    const versions = await this.listVersions(iam, policyArn);
    if (versions === undefined) return;
    // IAM refuses to delete a policy that still has non-default versions.
    for (const version of versions.filter((v) => !v.IsDefaultVersion)) {
      await this.deleteVersion(iam, policyArn, version);
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
      if (isAwsError(error, 'NoSuchEntity', 'NoSuchEntityException')) return undefined;
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

  private async listVersions(iam: IAMClient, policyArn: string): Promise<PolicyVersion[] | undefined> {
    try {
      const output = await this.call(() => iam.send(new ListPolicyVersionsCommand({ PolicyArn: policyArn })));
      return output.Versions ?? [];
    } catch (error) {
      if (isAwsError(error, 'NoSuchEntity', 'NoSuchEntityException')) return undefined;
      throw error;
    }
  }

  private async readDefaultVersion(
    iam: IAMClient,
    policyArn: string,
  ): Promise<{ versionId: string; document: PolicyDocument } | undefined> {
    try {
      const policy = await this.call(() => iam.send(new GetPolicyCommand({ PolicyArn: policyArn })));
      const versionId = policy.Policy?.DefaultVersionId ?? 'v1';
      const version = await this.call(() =>
        iam.send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId })),
      );
      return { versionId, document: decodePolicyDocument(version.PolicyVersion?.Document ?? '') };
    } catch (error) {
      if (isAwsError(error, 'NoSuchEntity', 'NoSuchEntityException')) return undefined;
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
            Description:
              policyName === this.options.policyName
                ? 'scp-alt: service control policies of this account, enforced as permissions boundary'
                : 'scp-alt: a customer boundary intersected with scp-enforce-policy',
          }),
        ),
      );
      return output.Policy?.DefaultVersionId ?? 'v1';
    } catch (error) {
      if (isAwsError(error, 'EntityAlreadyExists', 'EntityAlreadyExistsException')) return undefined;
      throw error;
    }
  }

  private async deleteVersion(
    iam: IAMClient,
    policyArn: string,
    version: PolicyVersion | undefined,
  ): Promise<void> {
    if (!version?.VersionId) return;
    const versionId = version.VersionId;
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
      if (!isAwsError(error, 'NoSuchEntity', 'NoSuchEntityException')) throw error;
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

/** IAM returns policy documents URL-encoded. */
export function decodePolicyDocument(encoded: string): PolicyDocument {
  const text = encoded.trimStart().startsWith('{') ? encoded : decodeURIComponent(encoded);
  return JSON.parse(text) as PolicyDocument;
}
