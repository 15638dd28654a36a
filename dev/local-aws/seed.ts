import { createHash } from 'node:crypto';
import {
  CreateRoleCommand,
  CreateServiceLinkedRoleCommand,
  CreateUserCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import {
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { accountRootArn } from '#policy/arn.ts';
import { partitionOfRegion } from '#policy/partition.ts';
import { stackSetsAdministrationArns } from '#policy/trust-admissions.ts';
import { actingAs, memberAccountConfig } from './accounts.ts';
import {
  type AccountSpec,
  loadOrgSpec,
  type OrgSpec,
  type OrgSpecInput,
  ouPathsParentsFirst,
  type StandaloneAccountSpec,
} from './org-spec.ts';
import type { LocalStackClient } from './stack.ts';

export interface SeededOrganization {
  organizationId: string;
  managementAccountId: string;
  securityAccountId: string;
  rootId: string;
  /** OU path (`Workloads/Prod`) → OU id. */
  ous: Record<string, string>;
  /** Account name from the spec (security account included) → 12-digit id. */
  accounts: Record<string, string>;
  /** Account name → OU path it sits in (`''`: directly under the root). */
  accountOus: Record<string, string>;
  /** Accounts outside the organization: name → 12-digit id. */
  standaloneAccounts: Record<string, string>;
}

/** Service-linked role every member account gets (path `/aws-service-role/…`, cannot take a boundary). */
export const SEEDED_SERVICE_LINKED_SERVICE = 'autoscaling.amazonaws.com';

/** Name of the StackSets execution role seeded in an account: `stacksets-exec-<hash>` as StackSets names it. */
export function stackSetsExecRoleName(accountId: string): string {
  return `stacksets-exec-${createHash('md5').update(accountId).digest('hex')}`;
}

/**
 * Build an organization through the real APIs, as the management account (moto's default account):
 * organization, OU tree, accounts (moved into their OUs), then inside each account — entered through
 * the organization access role — users, roles, a StackSets execution role and a service-linked role.
 */
export async function seedOrganization(
  stack: LocalStackClient,
  source?: OrgSpecInput | string | URL,
): Promise<SeededOrganization> {
  const spec = await loadOrgSpec(source);
  const organizations = new OrganizationsClient(stack.clientConfig('organizations'));
  const { Organization } = await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const rootId = (await organizations.send(new ListRootsCommand({}))).Roots?.[0]?.Id ?? '';
  const ous = await createOrganizationalUnits(organizations, spec, rootId);
  const everyAccount = [spec.securityAccount, ...spec.accounts];
  const accounts: Record<string, string> = {};
  for (const account of everyAccount) {
    accounts[account.name] = await createAccount(organizations, spec, account, rootId, ous);
  }
  await Promise.all(
    everyAccount.map((account) => populateAccount(stack, spec, account, accounts[account.name] ?? '')),
  );
  for (const standalone of spec.standaloneAccounts) await populateStandaloneAccount(stack, standalone);
  return {
    organizationId: Organization?.Id ?? '',
    managementAccountId: Organization?.MasterAccountId ?? stack.info.account,
    securityAccountId: accounts[spec.securityAccount.name] ?? '',
    rootId,
    ous,
    accounts,
    accountOus: Object.fromEntries(everyAccount.map((account) => [account.name, account.ou ?? ''])),
    standaloneAccounts: Object.fromEntries(
      spec.standaloneAccounts.map((account) => [account.name, account.accountId]),
    ),
  };
}

/**
 * Users and roles of an account outside the organization, made as its own root (no role of the
 * organization reaches it): roles trust the account itself.
 */
async function populateStandaloneAccount(stack: LocalStackClient, account: StandaloneAccountSpec) {
  const iam = actingAs(new IAMClient(stack.clientConfig('iam')), account.accountId);
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: accountRootArn(partitionOfRegion(stack.region), account.accountId) },
        Action: 'sts:AssumeRole',
      },
    ],
  });
  for (const userName of account.users) await iam.send(new CreateUserCommand({ UserName: userName }));
  for (const roleName of account.roles)
    await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: trust }));
}

async function createOrganizationalUnits(
  organizations: OrganizationsClient,
  spec: OrgSpec,
  rootId: string,
): Promise<Record<string, string>> {
  const ous: Record<string, string> = {};
  for (const path of ouPathsParentsFirst(spec)) {
    const parentPath = path.slice(0, Math.max(0, path.lastIndexOf('/')));
    const answer = await organizations.send(
      new CreateOrganizationalUnitCommand({
        ParentId: parentPath ? ous[parentPath] : rootId,
        Name: path.slice(path.lastIndexOf('/') + 1),
      }),
    );
    ous[path] = answer.OrganizationalUnit?.Id ?? '';
  }
  return ous;
}

async function createAccount(
  organizations: OrganizationsClient,
  spec: OrgSpec,
  account: AccountSpec,
  rootId: string,
  ous: Record<string, string>,
): Promise<string> {
  const answer = await organizations.send(
    new CreateAccountCommand({
      AccountName: account.name,
      Email: `${account.name}@example.com`,
      RoleName: spec.organizationAccessRoleName,
    }),
  );
  const accountId = answer.CreateAccountStatus?.AccountId ?? '';
  if (account.ou) {
    await organizations.send(
      new MoveAccountCommand({
        AccountId: accountId,
        SourceParentId: rootId,
        DestinationParentId: ous[account.ou],
      }),
    );
  }
  return accountId;
}

async function populateAccount(
  stack: LocalStackClient,
  spec: OrgSpec,
  account: AccountSpec,
  accountId: string,
) {
  const iam = new IAMClient(
    await memberAccountConfig(stack, accountId, 'iam', spec.organizationAccessRoleName),
  );
  const partition = partitionOfRegion(stack.region);
  const trusting = (trustedAccount: string) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: accountRootArn(partition, trustedAccount) },
          Action: 'sts:AssumeRole',
        },
      ],
    });
  for (const userName of account.users) await iam.send(new CreateUserCommand({ UserName: userName }));
  for (const roleName of account.roles) {
    await iam.send(
      new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: trusting(accountId) }),
    );
  }
  // As service-managed StackSets creates it: trusting the management account's StackSets role.
  const [stackSetsAdministration] = stackSetsAdministrationArns(partition, stack.info.account);
  await iam.send(
    new CreateRoleCommand({
      RoleName: stackSetsExecRoleName(accountId),
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: stackSetsAdministration }, Action: 'sts:AssumeRole' },
        ],
      }),
    }),
  );
  await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: SEEDED_SERVICE_LINKED_SERVICE }));
}
