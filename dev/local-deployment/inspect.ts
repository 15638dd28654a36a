/**
 * Reads the state an operator would check after each step: who carries which boundary in a member
 * account, the default version of scp-enforce-policy, the account record as stored, and the SNS
 * messages the operators received. All through the real APIs, never through scp-alt's own code.
 */

import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetUserCommand,
  IAMClient,
  paginateListAttachedRolePolicies,
  paginateListAttachedUserPolicies,
  paginateListPolicies,
  paginateListRoles,
  paginateListUsers,
} from '@aws-sdk/client-iam';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { iamPolicyArn } from '#policy/arn.ts';
import { partitionOfArn } from '#policy/partition.ts';
import type { PolicyDocument } from '#policy/types.ts';
import { memberAccountConfig } from '../local-aws/accounts.ts';
import { drainQueue } from '../local-aws/observe.ts';
import type { LocalStackClient } from '../local-aws/stack.ts';
import type { Deployment } from './deployment.ts';

export const BOUNDARY_POLICY_NAME = 'scp-enforce-policy';

/** IAM of a member account, as its administrator (through the organization access role). */
export async function memberIam(stack: LocalStackClient, accountId: string): Promise<IAMClient> {
  return new IAMClient(await memberAccountConfig(stack, accountId, 'iam'));
}

export function boundaryPolicyArn(deployment: Deployment, accountId: string): string {
  return iamPolicyArn(partitionOfArn(deployment.topicArn), accountId, BOUNDARY_POLICY_NAME);
}

/** The actions the default version of the account's boundary names (Action and NotAction). */
export async function boundaryActions(
  stack: LocalStackClient,
  deployment: Deployment,
  accountId: string,
): Promise<string[]> {
  const iam = await memberIam(stack, accountId);
  return actionsIn((await defaultVersion(iam, boundaryPolicyArn(deployment, accountId)))?.document);
}

export interface PrincipalBoundary {
  kind: 'user' | 'role';
  name: string;
  path: string;
  boundaryArn: string | undefined;
}

/** Every user and role of the account with its permissions boundary (read one by one, as IAM requires). */
export async function principalBoundaries(iam: IAMClient): Promise<PrincipalBoundary[]> {
  const found: PrincipalBoundary[] = [];
  for await (const page of paginateListUsers({ client: iam }, {})) {
    for (const user of page.Users ?? []) {
      const { User } = await iam.send(new GetUserCommand({ UserName: user.UserName }));
      found.push({
        kind: 'user',
        name: user.UserName ?? '',
        path: user.Path ?? '/',
        boundaryArn: User?.PermissionsBoundary?.PermissionsBoundaryArn,
      });
    }
  }
  for await (const page of paginateListRoles({ client: iam }, {})) {
    for (const role of page.Roles ?? []) {
      const { Role } = await iam.send(new GetRoleCommand({ RoleName: role.RoleName }));
      found.push({
        kind: 'role',
        name: role.RoleName ?? '',
        path: role.Path ?? '/',
        boundaryArn: Role?.PermissionsBoundary?.PermissionsBoundaryArn,
      });
    }
  }
  return found;
}

/** Names (`user/alice`, `role/app-deployer`) of the principals carrying the given boundary. */
export function carrying(principals: PrincipalBoundary[], policyArn: string): string[] {
  return principals
    .filter((principal) => principal.boundaryArn === policyArn)
    .map((principal) => `${principal.kind}/${principal.name}`)
    .sort();
}

export interface DefaultVersion {
  versionId: string;
  document: PolicyDocument;
  /** Characters without whitespace, as IAM counts them. */
  size: number;
}

/** Default version of the policy; undefined when the policy does not exist. */
export async function defaultVersion(iam: IAMClient, policyArn: string): Promise<DefaultVersion | undefined> {
  try {
    const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: policyArn }));
    const versionId = Policy?.DefaultVersionId ?? '';
    const { PolicyVersion } = await iam.send(
      new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId }),
    );
    const raw = PolicyVersion?.Document ?? '';
    const text = raw.trimStart().startsWith('{') ? raw : decodeURIComponent(raw);
    return { versionId, document: JSON.parse(text) as PolicyDocument, size: text.replace(/\s/g, '').length };
  } catch (error) {
    if ((error as Error).name === 'NoSuchEntity' || (error as Error).name === 'NoSuchEntityException')
      return undefined;
    throw error;
  }
}

/** The account's item in the accounts table, attribute names as stored. */
export async function accountItem(
  deployment: Deployment,
  accountId: string,
): Promise<Record<string, unknown> | undefined> {
  const documents = DynamoDBDocumentClient.from(deployment.clients.dynamodb);
  const { Item } = await documents.send(
    new GetCommand({ TableName: deployment.table, Key: { AccountId: accountId }, ConsistentRead: true }),
  );
  return Item;
}

/** SNS messages the operators received since the last call (text of each message). */
export async function failureMessages(
  deployment: Deployment,
  options: { atLeast?: number } = {},
): Promise<string[]> {
  const bodies = await drainQueue(deployment.clients.sqs, deployment.failureQueue.url, {
    waitMs: 300,
    ...options,
  });
  return bodies.map((body) => (typeof body === 'string' ? body : JSON.stringify(body)));
}

/** Every string an action element of the document names (Action and NotAction). */
export function actionsIn(document: PolicyDocument | undefined): string[] {
  return (document?.Statement ?? []).flatMap((statement) =>
    [statement.Action ?? [], statement.NotAction ?? []].flat(),
  );
}

/** Names of the managed policies attached to a user or role (not its boundary), sorted. */
export async function attachedPolicyNames(
  iam: IAMClient,
  kind: 'user' | 'role',
  name: string,
): Promise<string[]> {
  const names: string[] = [];
  if (kind === 'user') {
    for await (const page of paginateListAttachedUserPolicies({ client: iam }, { UserName: name }))
      names.push(...(page.AttachedPolicies ?? []).map((policy) => policy.PolicyName ?? ''));
  } else {
    for await (const page of paginateListAttachedRolePolicies({ client: iam }, { RoleName: name }))
      names.push(...(page.AttachedPolicies ?? []).map((policy) => policy.PolicyName ?? ''));
  }
  return names.sort();
}

/** Names of the account's own managed policies that start with `prefix` (scp-alt's: scp-enforce-policy). */
export async function localPolicyNames(iam: IAMClient, prefix = BOUNDARY_POLICY_NAME): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListPolicies({ client: iam }, { Scope: 'Local' }))
    names.push(...(page.Policies ?? []).map((policy) => policy.PolicyName ?? ''));
  return names.filter((name) => name.startsWith(prefix)).sort();
}
