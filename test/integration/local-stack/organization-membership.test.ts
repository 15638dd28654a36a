/**
 * What the local stack adds to moto's Organizations (dev/local-aws/proxy/organizations-membership.ts):
 * invitations accepted by an existing account, and the consequences of leaving or closing at
 * AssumeRole (the management role works only inside its organization; nobody enters a closed account).
 */
import {
  AcceptHandshakeCommand,
  CloseAccountCommand,
  CreateAccountCommand,
  DescribeAccountCommand,
  InviteAccountToOrganizationCommand,
  ListAccountsForParentCommand,
  ListParentsCommand,
  MoveAccountCommand,
  OrganizationsClient,
  RemoveAccountFromOrganizationCommand,
} from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import { actingAs, assumeRole, roleArn } from '#dev/local-aws/accounts.ts';
import { useLocalStack } from '#dev/local-aws/for-tests.ts';

const stack = useLocalStack({ seed: true, reset: 'each' });
const organizations = () => new OrganizationsClient(stack.clientConfig('organizations'));

async function newAccount(name: string): Promise<string> {
  const created = await organizations().send(
    new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }),
  );
  return created.CreateAccountStatus?.AccountId ?? '';
}

const enterAsManagement = (account: string) =>
  assumeRole(stack, roleArn(stack, account, 'OrganizationAccountAccessRole'));

describe('leaving and closing on the local stack', () => {
  it('Given an account removed from the organization, Then Organizations no longer knows it and the management account cannot enter it', async () => {
    const account = await newAccount('leaver');
    await expect(enterAsManagement(account)).resolves.toBeDefined();
    await organizations().send(new RemoveAccountFromOrganizationCommand({ AccountId: account }));
    await expect(
      organizations().send(new DescribeAccountCommand({ AccountId: account })),
    ).rejects.toMatchObject({
      name: 'AccountNotFoundException',
    });
    await expect(enterAsManagement(account)).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('Given a closed account, Then it is SUSPENDED and nobody can assume a role in it', async () => {
    const account = await newAccount('closer');
    await organizations().send(new CloseAccountCommand({ AccountId: account }));
    const { Account } = await organizations().send(new DescribeAccountCommand({ AccountId: account }));
    expect(Account?.State ?? Account?.Status).toBe('SUSPENDED');
    await expect(enterAsManagement(account)).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});

describe('invitations on the local stack', () => {
  it('Given an account outside the organization, When it accepts an invitation, Then it is a member under the root that can be moved and entered again', async () => {
    const { rootId, ous } = stack.organization;
    const account = await newAccount('returning');
    await organizations().send(new RemoveAccountFromOrganizationCommand({ AccountId: account }));

    const { Handshake } = await organizations().send(
      new InviteAccountToOrganizationCommand({ Target: { Type: 'ACCOUNT', Id: account } }),
    );
    const asInvited = actingAs(new OrganizationsClient(stack.clientConfig('organizations')), account);
    const accepted = await asInvited.send(new AcceptHandshakeCommand({ HandshakeId: Handshake?.Id }));

    expect(accepted.Handshake?.State).toBe('ACCEPTED');
    const { Account } = await organizations().send(new DescribeAccountCommand({ AccountId: account }));
    expect(Account).toMatchObject({ Id: account, State: 'ACTIVE', JoinedMethod: 'INVITED' });
    const parents = await organizations().send(new ListParentsCommand({ ChildId: account }));
    expect(parents.Parents).toEqual([{ Id: rootId, Type: 'ROOT' }]);
    const sandbox = ous.Sandbox ?? '';
    await organizations().send(
      new MoveAccountCommand({ AccountId: account, SourceParentId: rootId, DestinationParentId: sandbox }),
    );
    const listed = await organizations().send(new ListAccountsForParentCommand({ ParentId: sandbox }));
    expect(listed.Accounts?.map((a) => a.Id)).toContain(account);
    await expect(enterAsManagement(account)).resolves.toBeDefined();
  });

  it('refuses an acceptance by any account but the invited one', async () => {
    const account = await newAccount('invited');
    await organizations().send(new RemoveAccountFromOrganizationCommand({ AccountId: account }));
    const { Handshake } = await organizations().send(
      new InviteAccountToOrganizationCommand({ Target: { Type: 'ACCOUNT', Id: account } }),
    );
    const other = actingAs(new OrganizationsClient(stack.clientConfig('organizations')), '210987654321');
    await expect(
      other.send(new AcceptHandshakeCommand({ HandshakeId: Handshake?.Id })),
    ).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });
});
