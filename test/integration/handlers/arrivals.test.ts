/**
 * Arrivals through the real handlers: with AutoEnrollOrganizationUnits set, an
 * account created in, moved into, or invited into those OUs is enrolled without a Service Catalog
 * launch; the enrollment records its owner, and the product and the automatic path never fight.
 */

import {
  AcceptHandshakeCommand,
  InviteAccountToOrganizationCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { beforeAll, describe, expect, it } from 'vitest';
import { actingAs } from '#dev/local-aws/accounts.ts';
import {
  accountItem,
  boundaryActions as boundaryActionsOf,
  boundaryPolicyArn,
  carrying,
  defaultVersion,
  failureMessages,
  memberIam,
  principalBoundaries,
} from '#dev/local-deployment/inspect.ts';
import { acceptHandshakeEvent } from '#dev/local-deployment/organization-events.ts';
import { denyingPolicy as deny, policyKey, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { useScpAlt } from '../support/for-tests.ts';
import { ManagementConsole } from '../support/organization.ts';

const env = useScpAlt();
const org = () => env.stack.organization;
const ou = (path: string) => org().ous[path] ?? '';
let management: ManagementConsole;

const boundaryActions = (accountId: string) => boundaryActionsOf(env.stack, env.scpAlt.deployment, accountId);

beforeAll(async () => {
  management = new ManagementConsole(env.scpAlt);
  const { deployment } = env.scpAlt;
  await uploadPolicy(deployment, policyKey(org().rootId), deny('organizations:LeaveOrganization'));
  await uploadPolicy(deployment, policyKey(ou('Sandbox')), deny('ec2:TerminateInstances'));
  await env.scpAlt.configure({ AUTO_ENROLL_TARGETS: ou('Sandbox'), AUTO_ENROLL_MOVED_OUT: 'deregister' });
  await failureMessages(deployment);
});

describe('accounts arriving in an auto-enroll OU', () => {
  it('Given an account created and then moved into Sandbox, When its CreateAccountResult and MoveAccount events arrive, Then it is enrolled automatically for Sandbox, once, with one notice', async () => {
    const { deployment } = env.scpAlt;
    const created = await management.create('newcomer');
    const moved = await management.move(created.accountId, org().rootId, ou('Sandbox'));

    const answer = await env.scpAlt.dispatchOrganizationsEvents([created.event, moved]);

    expect(answer.batchItemFailures).toEqual([]);
    expect(await accountItem(deployment, created.accountId)).toMatchObject({
      Status: 'ACTIVE',
      EnrolledBy: 'auto',
      OuId: ou('Sandbox'),
      OuPath: [org().rootId, ou('Sandbox')],
    });
    expect(await boundaryActions(created.accountId)).toContain('ec2:TerminateInstances');
    const principals = await principalBoundaries(await memberIam(env.stack, created.accountId));
    expect(carrying(principals, boundaryPolicyArn(deployment, created.accountId))).toContain(
      'user/newcomer-admin',
    );
    const messages = await failureMessages(deployment, { atLeast: 1 });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('ACCOUNT_AUTO_ENROLLED');
  });

  it('Given an account created under the root only, Then it is left alone', async () => {
    const { deployment } = env.scpAlt;
    const created = await management.create('elsewhere');
    expect((await env.scpAlt.dispatchOrganizationsEvents([created.event])).batchItemFailures).toEqual([]);
    expect(await accountItem(deployment, created.accountId)).toBeUndefined();
    expect(await failureMessages(deployment)).toEqual([]);
  });

  it('Given an existing account moved into Sandbox, Then it is enrolled; moved out again, it is deregistered as the setting says', async () => {
    const { deployment } = env.scpAlt;
    const appDev = org().accounts['app-dev'] ?? '';
    const movedIn = await management.move(appDev, ou('Workloads'), ou('Sandbox'));
    await env.scpAlt.dispatchOrganizationsEvents([movedIn]);
    expect(await accountItem(deployment, appDev)).toMatchObject({ Status: 'ACTIVE', EnrolledBy: 'auto' });

    const movedOut = await management.move(appDev, ou('Sandbox'), ou('Workloads'));
    await env.scpAlt.dispatchOrganizationsEvents([movedOut]);

    expect(await accountItem(deployment, appDev)).toBeUndefined();
    expect(
      await defaultVersion(await memberIam(env.stack, appDev), boundaryPolicyArn(deployment, appDev)),
    ).toBeUndefined();
    const messages = await failureMessages(deployment, { atLeast: 2 });
    expect(
      messages.map((message) =>
        message.includes('ACCOUNT_AUTO_ENROLLED')
          ? 'enrolled'
          : message.includes('ACCOUNT_AUTO_DEREGISTERED')
            ? 'deregistered'
            : message,
      ),
    ).toEqual(['enrolled', 'deregistered']);
  });

  it('Given an account that accepts an invitation into the organization, Then it is enrolled once it arrives under an auto-enroll OU', async () => {
    const { deployment } = env.scpAlt;
    await env.scpAlt.configure({ AUTO_ENROLL_TARGETS: org().rootId });
    const outsider = await management.create('outsider');
    await management.remove(outsider.accountId);
    const { Handshake } = await management.organizations.send(
      new InviteAccountToOrganizationCommand({ Target: { Type: 'ACCOUNT', Id: outsider.accountId } }),
    );
    const asInvited = actingAs(
      new OrganizationsClient(env.stack.clientConfig('organizations')),
      outsider.accountId,
    );
    await asInvited.send(new AcceptHandshakeCommand({ HandshakeId: Handshake?.Id }));
    await failureMessages(deployment);

    const event = acceptHandshakeEvent(
      env.scpAlt.organizationsEventBase,
      outsider.accountId,
      org().organizationId,
    );
    expect((await env.scpAlt.dispatchOrganizationsEvents([event])).batchItemFailures).toEqual([]);

    expect(await accountItem(deployment, outsider.accountId)).toMatchObject({
      Status: 'ACTIVE',
      EnrolledBy: 'auto',
      OuPath: [org().rootId],
    });
    expect(await boundaryActions(outsider.accountId)).toContain('organizations:LeaveOrganization');
    await env.scpAlt.configure({ AUTO_ENROLL_TARGETS: ou('Sandbox') });
  });
});

describe('one record, one owner', () => {
  it('Given an account enrolled automatically, When the product is launched for it and later terminated, Then the product takes it over, and on termination hands it back to the automatic path: the boundary stays', async () => {
    const { deployment } = env.scpAlt;
    const sandbox = org().accounts.sandbox ?? '';
    const moved = await management.move(sandbox, ou('Sandbox'), org().rootId);
    const back = await management.move(sandbox, org().rootId, ou('Sandbox'));
    await env.scpAlt.dispatchOrganizationsEvents([moved, back]);
    expect(await accountItem(deployment, sandbox)).toMatchObject({ EnrolledBy: 'auto' });

    const launched = await env.scpAlt.enroll(sandbox, ou('Sandbox'));
    expect(launched.response?.Status).toBe('SUCCESS');
    expect(await accountItem(deployment, sandbox)).toMatchObject({ EnrolledBy: 'service-catalog' });

    const terminated = await env.scpAlt.deregister(sandbox, ou('Sandbox'));
    expect(terminated.response?.Status).toBe('SUCCESS');
    expect(terminated.response?.Reason).toContain('belongs to the automatic path');
    expect(await accountItem(deployment, sandbox)).toMatchObject({ Status: 'ACTIVE', EnrolledBy: 'auto' });
    expect(await boundaryActions(sandbox)).toContain('ec2:TerminateInstances');
  });
});
