/**
 * The management account's side of the organization tests: Organizations calls as its
 * administrator makes them, and the documented events those calls produce.
 */

import { CreateUserCommand } from '@aws-sdk/client-iam';
import {
  CloseAccountCommand,
  CreateAccountCommand,
  MoveAccountCommand,
  OrganizationsClient,
  RemoveAccountFromOrganizationCommand,
} from '@aws-sdk/client-organizations';
import { memberIam } from '#dev/local-deployment/inspect.ts';
import {
  closeAccountResultEvent,
  createAccountResultEvent,
  moveAccountEvent,
  removeAccountEvent,
} from '#dev/local-deployment/organization-events.ts';
import type { LocalScpAlt } from '#dev/local-deployment/scp-alt.ts';

export class ManagementConsole {
  readonly organizations: OrganizationsClient;

  constructor(private readonly scpAlt: LocalScpAlt) {
    this.organizations = new OrganizationsClient(scpAlt.stack.clientConfig('organizations'));
  }

  /** MoveAccount, and the event CloudTrail records for it. */
  async move(accountId: string, sourceParentId: string, destinationParentId: string) {
    await this.organizations.send(
      new MoveAccountCommand({
        AccountId: accountId,
        SourceParentId: sourceParentId,
        DestinationParentId: destinationParentId,
      }),
    );
    return moveAccountEvent(this.scpAlt.organizationsEventBase, {
      accountId,
      sourceParentId,
      destinationParentId,
    });
  }

  /** CreateAccount (new accounts start under the root, with one user), and its CreateAccountResult. */
  async create(name: string) {
    const created = await this.organizations.send(
      new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }),
    );
    const accountId = created.CreateAccountStatus?.AccountId ?? '';
    const iam = await memberIam(this.scpAlt.stack, accountId);
    await iam.send(new CreateUserCommand({ UserName: `${name}-admin` }));
    return { accountId, event: createAccountResultEvent(this.scpAlt.organizationsEventBase, accountId) };
  }

  async remove(accountId: string) {
    await this.organizations.send(new RemoveAccountFromOrganizationCommand({ AccountId: accountId }));
    return removeAccountEvent(this.scpAlt.organizationsEventBase, accountId);
  }

  /** CloseAccount; the event is the CloseAccountResult of the finished closure. */
  async close(accountId: string) {
    await this.organizations.send(new CloseAccountCommand({ AccountId: accountId }));
    return closeAccountResultEvent(this.scpAlt.organizationsEventBase, accountId);
  }
}
