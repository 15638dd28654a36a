/**
 * Identity Center through the real handlers on the local stack: AWSReservedSSO_* roles, which IAM
 * lets no one change, no longer fail enrollment; a permission set provisioned only to enrolled
 * accounts gets scp-enforce-policy as its boundary by reference and its roles carry it; one also
 * provisioned to an account that is not enrolled is reported and left as it is (nobody loses
 * access); taking our boundary off a permission set is undone from the Identity Center event.
 */
import {
  GetRoleCommand,
  type IAMClient,
  ListRolesCommand,
  PutRolePermissionsBoundaryCommand,
} from '@aws-sdk/client-iam';
import {
  CreateAccountAssignmentCommand,
  CreatePermissionSetCommand,
  DeletePermissionsBoundaryFromPermissionSetCommand,
  GetPermissionsBoundaryForPermissionSetCommand,
  ListInstancesCommand,
  ProvisionPermissionSetCommand,
  PutPermissionsBoundaryToPermissionSetCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { beforeAll, describe, expect, it } from 'vitest';
import { scheduledEvent } from '#dev/local-deployment/events.ts';
import { lambdaContext } from '#dev/local-deployment/handlers.ts';
import {
  accountItem,
  boundaryPolicyArn,
  carrying,
  failureMessages,
  memberIam,
  principalBoundaries,
} from '#dev/local-deployment/inspect.ts';
import { identityCenterEvent } from '#dev/local-deployment/organization-events.ts';
import { policyKey, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import type { ReconcilerResponse } from '#functions/reconciler.ts';
import { scpAlt as cli, operatorEnvironment } from '../cli/operator.ts';
import { useScpAlt } from '../support/for-tests.ts';

const env = useScpAlt();
const account = (name: string) => env.stack.organization.accounts[name] ?? '';
const ou = (path: string) => env.stack.organization.ous[path] ?? '';

let sso: SSOAdminClient;
let operator: Record<string, string>;
let instanceArn: string;
const permissionSets: Record<string, string> = {};

async function createPermissionSet(name: string, accountIds: string[]): Promise<string> {
  const created = await sso.send(new CreatePermissionSetCommand({ InstanceArn: instanceArn, Name: name }));
  const arn = created.PermissionSet?.PermissionSetArn ?? '';
  for (const accountId of accountIds)
    await sso.send(
      new CreateAccountAssignmentCommand({
        InstanceArn: instanceArn,
        PermissionSetArn: arn,
        TargetId: accountId,
        TargetType: 'AWS_ACCOUNT',
        PrincipalType: 'GROUP',
        PrincipalId: `group-${name.toLowerCase()}`,
      }),
    );
  return arn;
}

/** The permission set's role in the account, and the boundary it carries. */
async function ssoRole(iam: IAMClient, permissionSet: string) {
  const listed = await iam.send(new ListRolesCommand({ PathPrefix: '/aws-reserved/sso.amazonaws.com/' }));
  const role = listed.Roles?.find((candidate) =>
    candidate.RoleName?.startsWith(`AWSReservedSSO_${permissionSet}_`),
  );
  if (!role?.RoleName) return undefined;
  const { Role } = await iam.send(new GetRoleCommand({ RoleName: role.RoleName }));
  return {
    name: role.RoleName,
    arn: Role?.Arn ?? '',
    boundaryArn: Role?.PermissionsBoundary?.PermissionsBoundaryArn,
  };
}

async function runReconciler(): Promise<ReconcilerResponse> {
  const { deployment, handlers } = env.scpAlt;
  return handlers.reconciler(
    scheduledEvent(deployment, 'ReconcilerEventsRuleSchedule1'),
    lambdaContext(deployment, 'reconciler', 900_000),
  );
}

beforeAll(async () => {
  const { deployment } = env.scpAlt;
  sso = new SSOAdminClient(env.stack.clientConfig('iam'));
  operator = await operatorEnvironment(env.stack, deployment);
  instanceArn = (await sso.send(new ListInstancesCommand({}))).Instances?.[0]?.InstanceArn ?? '';
  await uploadPolicy(
    deployment,
    policyKey(ou('Workloads')),
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Deny', Action: 'rds:DeleteDBInstance', Resource: '*' },
      ],
    }),
  );
  // Provisioned before enrollment: the roles are there when the account is enrolled.
  permissionSets.Developers = await createPermissionSet('Developers', [account('app-dev')]);
  permissionSets.Auditors = await createPermissionSet('Auditors', [account('app-dev'), account('sandbox')]);
});

describe('Identity Center roles at enrollment', () => {
  it('Given app-dev holding two Identity Center roles IAM refuses to change, When it is enrolled, Then enrollment succeeds, Developers (enrolled accounts only) carries our boundary by reference into its role, and Auditors (also sandbox, not enrolled) is reported and left as it is', async () => {
    const { deployment } = env.scpAlt;
    const appDev = account('app-dev');
    const iam = await memberIam(env.stack, appDev);
    const developers = await ssoRole(iam, 'Developers');
    await expect(
      iam.send(
        new PutRolePermissionsBoundaryCommand({
          RoleName: developers?.name ?? '',
          PermissionsBoundary: `arn:aws-cn:iam::${appDev}:policy/any`,
        }),
      ),
    ).rejects.toMatchObject({ name: 'UnmodifiableEntityException' });
    await failureMessages(deployment);

    const answer = await env.scpAlt.enroll(appDev, ou('Workloads'));

    expect(answer.response?.Status).toBe('SUCCESS');
    expect(await accountItem(deployment, appDev)).toMatchObject({ Status: 'ACTIVE' });
    const boundary = await sso.send(
      new GetPermissionsBoundaryForPermissionSetCommand({
        InstanceArn: instanceArn,
        PermissionSetArn: permissionSets.Developers,
      }),
    );
    expect(boundary.PermissionsBoundary?.CustomerManagedPolicyReference).toEqual({
      Name: 'scp-enforce-policy',
      Path: '/',
    });
    expect((await ssoRole(iam, 'Developers'))?.boundaryArn).toBe(boundaryPolicyArn(deployment, appDev));
    // Nobody's access changed where scp-alt refused: both Auditors roles are as they were.
    expect((await ssoRole(iam, 'Auditors'))?.boundaryArn).toBeUndefined();
    const sandboxIam = await memberIam(env.stack, account('sandbox'));
    expect(await ssoRole(sandboxIam, 'Auditors')).toMatchObject({ boundaryArn: undefined });
    const messages = (await failureMessages(deployment)).join('\n');
    expect(messages).toContain('PERMISSION_SET_NOT_GOVERNED');
    expect(messages).toContain(
      `Auditors (enrolled ${appDev}) is also provisioned to accounts not enrolled: ${account('sandbox')}`,
    );
  });
});

describe('the CreateRole event of an Identity Center role', () => {
  it('Given the event of the Auditors role (refused permission set) in app-dev, When the iam-event-dispatcher handles it, Then it is left to its permission set, not failed', async () => {
    const { deployment } = env.scpAlt;
    const appDev = account('app-dev');
    const role = await ssoRole(await memberIam(env.stack, appDev), 'Auditors');
    await failureMessages(deployment);

    const outcome = await env.scpAlt.reportIamCall({
      accountId: appDev,
      eventName: 'CreateRole',
      principal: { kind: 'role', name: role?.name ?? '' },
    });

    expect(outcome).toEqual({ action: 'principal', outcome: 'identity-center' });
    expect(await failureMessages(deployment)).toEqual([]);
    expect(await accountItem(deployment, appDev)).toMatchObject({ Status: 'ACTIVE' });
  });
});

describe('the reconciler governs permission sets', () => {
  it('Given Operators assigned to app-dev after enrollment with no event delivered, When the reconciler runs, Then Operators carries our boundary into its role, Developers is found governed and Auditors is reported again', async () => {
    const { deployment } = env.scpAlt;
    const appDev = account('app-dev');
    permissionSets.Operators = await createPermissionSet('Operators', [appDev]);
    const iam = await memberIam(env.stack, appDev);
    expect((await ssoRole(iam, 'Operators'))?.boundaryArn).toBeUndefined();

    const report = await runReconciler();

    expect(report.permissionSets).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Operators', state: 'bounded', enrolledAccounts: [appDev] }),
        expect.objectContaining({ name: 'Developers', state: 'governed' }),
        expect.objectContaining({
          name: 'Auditors',
          state: 'spans-unenrolled',
          enrolledAccounts: [appDev],
          otherAccounts: [account('sandbox')],
        }),
      ]),
    );
    expect((await ssoRole(iam, 'Operators'))?.boundaryArn).toBe(boundaryPolicyArn(deployment, appDev));
    expect((await failureMessages(deployment)).join('\n')).toContain('PERMISSION_SET_NOT_GOVERNED');
    // The next run finds Operators governed and changes nothing.
    const again = await runReconciler();
    expect(again.permissionSets?.find((set) => set.name === 'Operators')?.state).toBe('governed');
  });

  it('Then scp-alt status and plan list each permission set with its state and accounts', async () => {
    const status = await cli(operator, 'status', '--json');
    const listed = (JSON.parse(status.out) as { permissionSets?: { name: string; state: string }[] })
      .permissionSets;
    expect(listed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Developers', state: 'governed' }),
        expect.objectContaining({ name: 'Auditors', state: 'spans-unenrolled' }),
      ]),
    );
    const table = await cli(operator, 'status');
    expect(table.out).toMatch(/Developers\s+governed/);
    expect(table.out).toMatch(/Auditors\s+spans-unenrolled/);
    const plan = await cli(operator, 'plan', '--json');
    expect(plan.json<{ permissionSets: unknown[] }>().permissionSets).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'Auditors', state: 'spans-unenrolled' })]),
    );
  });
});

describe('simulate answers for an Identity Center session', () => {
  it('Given Developers governed and Auditors refused, When simulate decides rds:DeleteDBInstance for a session of each, Then the Developers session is denied by the chain and the Auditors session is exempt, naming its state', async () => {
    const appDev = account('app-dev');
    const iam = await memberIam(env.stack, appDev);
    const session = async (permissionSet: string) =>
      `arn:aws-cn:sts::${appDev}:assumed-role/${(await ssoRole(iam, permissionSet))?.name}/alice@example.com`;
    const ask = async (permissionSet: string) =>
      cli(
        operator,
        'simulate',
        '--account',
        appDev,
        '--action',
        'rds:DeleteDBInstance',
        '--principal',
        await session(permissionSet),
      );

    const developers = await ask('Developers');
    const auditors = await ask('Auditors');

    expect(developers.code).toBe(1);
    expect(developers.out).toContain('Identity Center permission set Developers (governed)');
    expect(developers.out).toContain('Denied');
    expect(auditors.code).toBe(0);
    expect(auditors.out).toContain('Exempt');
    expect(auditors.out).toContain('Identity Center permission set Auditors is spans-unenrolled');
  });
});

describe('tampering with a governed permission set', () => {
  it('Given our boundary taken off Developers and the permission set provisioned again, When the Identity Center event arrives, Then the boundary is back on it and its role, and the tampering is reported', async () => {
    const { deployment } = env.scpAlt;
    const appDev = account('app-dev');
    const ids = { InstanceArn: instanceArn, PermissionSetArn: permissionSets.Developers };
    await sso.send(new DeletePermissionsBoundaryFromPermissionSetCommand(ids));
    await sso.send(new ProvisionPermissionSetCommand({ ...ids, TargetType: 'ALL_PROVISIONED_ACCOUNTS' }));
    const iam = await memberIam(env.stack, appDev);
    expect((await ssoRole(iam, 'Developers'))?.boundaryArn).toBeUndefined();
    await failureMessages(deployment);

    const event = identityCenterEvent(
      { ...env.scpAlt.organizationsEventBase, region: env.stack.region },
      {
        eventName: 'DeletePermissionsBoundaryFromPermissionSet',
        instanceArn,
        permissionSetArn: permissionSets.Developers ?? '',
      },
    );
    const answer = await env.scpAlt.dispatchOrganizationsEvents([event]);

    expect(answer.batchItemFailures).toEqual([]);
    expect((await ssoRole(iam, 'Developers'))?.boundaryArn).toBe(boundaryPolicyArn(deployment, appDev));
    const messages = (await failureMessages(deployment)).join('\n');
    expect(messages).toContain('TAMPERING_DETECTED');
    expect(messages).toContain('DeletePermissionsBoundaryFromPermissionSet');
  });
});

describe('a role left without our boundary while its permission set has it', () => {
  it('Given Developers holding our boundary again but its role in app-dev provisioned without it and no event delivered, When the reconciler runs, Then it provisions Developers again there', async () => {
    const { deployment } = env.scpAlt;
    const appDev = account('app-dev');
    const ids = { InstanceArn: instanceArn, PermissionSetArn: permissionSets.Developers };
    await sso.send(new DeletePermissionsBoundaryFromPermissionSetCommand(ids));
    await sso.send(new ProvisionPermissionSetCommand({ ...ids, TargetType: 'ALL_PROVISIONED_ACCOUNTS' }));
    await sso.send(
      new PutPermissionsBoundaryToPermissionSetCommand({
        ...ids,
        PermissionsBoundary: { CustomerManagedPolicyReference: { Name: 'scp-enforce-policy', Path: '/' } },
      }),
    );
    const iam = await memberIam(env.stack, appDev);
    expect((await ssoRole(iam, 'Developers'))?.boundaryArn).toBeUndefined();

    const report = await runReconciler();

    expect(report.permissionSets?.find((set) => set.name === 'Developers')?.state).toBe('bounded');
    expect((await ssoRole(iam, 'Developers'))?.boundaryArn).toBe(boundaryPolicyArn(deployment, appDev));
  });
});

describe('deregistering an account a governed permission set is provisioned to', () => {
  it('Given Developers and Operators governed on app-dev, When app-dev is deregistered, Then it is refused naming what to remove in Identity Center, and the roles keep our boundary', async () => {
    const { deployment } = env.scpAlt;
    const appDev = account('app-dev');
    await failureMessages(deployment);

    const answer = await env.scpAlt.deregister(appDev, ou('Workloads'));

    expect(answer.response?.Status).toBe('FAILED');
    expect(answer.response?.Reason).toContain('PERMISSION_SET_STILL_ASSIGNED');
    expect(answer.response?.Reason).toMatch(/remove the account's assignments of (Developers|Operators)/);
    // Nothing was detached: every principal keeps our boundary.
    const iam = await memberIam(env.stack, appDev);
    expect((await ssoRole(iam, 'Developers'))?.boundaryArn).toBe(boundaryPolicyArn(deployment, appDev));
    expect(carrying(await principalBoundaries(iam), boundaryPolicyArn(deployment, appDev))).toContain(
      'user/alice',
    );
    expect((await failureMessages(deployment)).join('\n')).toContain('PERMISSION_SET_STILL_ASSIGNED');
  });
});
