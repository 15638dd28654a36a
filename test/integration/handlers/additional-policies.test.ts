/**
 * A chain larger than one managed policy, deployed by the real handlers on the local stack: the
 * additional policies scp-enforce-policy-2, … are created and attached to every bounded principal,
 * grow and shrink with the chain, reach new principals through the IAM event path, are repaired by
 * the reconciler and removed at deregistration. A principal at its attachment quota (the proxy
 * enforces IAM's 10) keeps the boundary and is reported by name.
 */
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  DetachRolePolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { takeS3Notifications } from '#dev/local-deployment/events.ts';
import { lambdaContext } from '#dev/local-deployment/handlers.ts';
import {
  accountItem,
  attachedPolicyNames,
  boundaryPolicyArn,
  failureMessages,
  localPolicyNames,
  memberIam,
  principalBoundaries,
} from '#dev/local-deployment/inspect.ts';
import { conditionalDenyPolicy, policyKey, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { partitionOfRegion } from '#policy/partition.ts';
import { operatorEnvironment, scpAlt } from '../cli/operator.ts';
import { useScpAlt } from '../support/for-tests.ts';

const env = useScpAlt();
const BOUNDARY = 'scp-enforce-policy';
const EXTRA_2 = 'scp-enforce-policy-2';
const EXTRA_3 = 'scp-enforce-policy-3';
/** Statements of the Workloads file: one additional policy beside the boundary. */
const OU_STATEMENTS = 60;
/** A root file of this many pushes the OU's statements out into a second one. */
const ROOT_STATEMENTS = 60;

let appDev = '';
let workloads = '';
let iam: IAMClient;

const arnOf = (name: string) =>
  `${boundaryPolicyArn(env.scpAlt.deployment, appDev).replace(/[^/]+$/, '')}${name}`;

async function bounded(): Promise<{ kind: 'user' | 'role'; name: string }[]> {
  const exempt = /^(OrganizationAccountAccessRole|stacksets-exec-)/;
  return (await principalBoundaries(iam))
    .filter((principal) => !principal.path.startsWith('/aws-service-role/') && !exempt.test(principal.name))
    .map(({ kind, name }) => ({ kind, name }));
}

/** What each bounded principal holds beside its boundary, e.g. { 'role/app-runtime': ['…-2'] }. */
async function holdings(): Promise<Record<string, string[]>> {
  const entries = await Promise.all(
    (await bounded()).map(async ({ kind, name }) => [
      `${kind}/${name}`,
      await attachedPolicyNames(iam, kind, name),
    ]),
  );
  return Object.fromEntries(entries);
}

function everyoneHolds(held: Record<string, string[]>, names: string[]): void {
  expect(Object.keys(held).length).toBeGreaterThan(0);
  for (const [principal, policies] of Object.entries(held)) expect(policies, principal).toEqual(names);
}

const recordedExtras = async () =>
  (
    (await accountItem(env.scpAlt.deployment, appDev))?.AdditionalPolicies as { Name: string }[] | undefined
  )?.map((extra) => extra.Name);

async function reconcile() {
  return env.scpAlt.handlers.reconciler({}, lambdaContext(env.scpAlt.deployment, 'reconciler'));
}

async function createRoleWithBoundary(roleName: string): Promise<void> {
  const partition = partitionOfRegion(env.stack.region);
  await iam.send(
    new CreateRoleCommand({
      RoleName: roleName,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:${partition}:iam::${appDev}:root` },
            Action: 'sts:AssumeRole',
          },
        ],
      }),
      PermissionsBoundary: boundaryPolicyArn(env.scpAlt.deployment, appDev),
    }),
  );
}

beforeAll(async () => {
  const { scpAlt, stack } = env;
  appDev = stack.organization.accounts['app-dev'] ?? '';
  workloads = stack.organization.ous.Workloads ?? '';
  await uploadPolicy(scpAlt.deployment, policyKey(workloads), conditionalDenyPolicy(OU_STATEMENTS));
  // Enrollment reads the bucket itself; the upload's notification is not part of these tests.
  await takeS3Notifications(scpAlt.deployment, 0);
  iam = await memberIam(stack, appDev);
});

describe('additional policies through the real handlers', () => {
  it('enrollment with a chain that spills creates -2 and attaches it to every bounded principal', async () => {
    const answer = await env.scpAlt.enroll(appDev, workloads);

    expect(answer.response?.Status).toBe('SUCCESS');
    expect(await localPolicyNames(iam)).toEqual([BOUNDARY, EXTRA_2]);
    everyoneHolds(await holdings(), [EXTRA_2]);
    expect(await attachedPolicyNames(iam, 'role', 'OrganizationAccountAccessRole')).toEqual([]);
    expect(await recordedExtras()).toEqual([EXTRA_2]);
    expect((await accountItem(env.scpAlt.deployment, appDev))?.Status).toBe('ACTIVE');
  });

  it('a policy change that grows the chain creates -3 and attaches it to everyone', async () => {
    const root = env.stack.organization.rootId;
    const results = await env.scpAlt.uploadPolicy(
      policyKey(root),
      conditionalDenyPolicy(ROOT_STATEMENTS, 1000),
    );

    expect(results.flatMap((result) => result.accounts.map((account) => account.outcome))).toEqual([
      'updated',
    ]);
    expect(await localPolicyNames(iam)).toEqual([BOUNDARY, EXTRA_2, EXTRA_3]);
    everyoneHolds(await holdings(), [EXTRA_2, EXTRA_3]);
    expect(await recordedExtras()).toEqual([EXTRA_2, EXTRA_3]);
    // The operator sees them in status.
    const operator = await operatorEnvironment(env.stack, env.scpAlt.deployment);
    const status = await scpAlt(operator, 'status', '--account', appDev);
    expect(status.out.split('\n')[1]).toMatch(/ACTIVE .* v\d+ +-2 v\d+, -3 v1 /);
  });

  it('a new principal gets the boundary at create time and the additional policies from the event', async () => {
    const createdAt = Date.now();
    await createRoleWithBoundary('new-pipeline-role');

    const outcome = await env.scpAlt.reportIamCall({
      accountId: appDev,
      eventName: 'CreateRole',
      principal: { kind: 'role', name: 'new-pipeline-role' },
    });
    const window = Date.now() - createdAt;

    expect(outcome).toEqual({
      action: 'principal',
      outcome: 'already-bound',
      additional: { attached: [EXTRA_2, EXTRA_3], missing: [] },
    });
    expect(await attachedPolicyNames(iam, 'role', 'new-pipeline-role')).toEqual([EXTRA_2, EXTRA_3]);
    console.log(
      `create → additional policies attached through the event path: ${window} ms on the local stack`,
    );
  });

  it('a principal at its attachment quota keeps the boundary, is reported by name and leaves the account FAILED; freed, the reconciler attaches', async () => {
    const { scpAlt } = env;
    await failureMessages(scpAlt.deployment);
    await createRoleWithBoundary('crowded-role');
    const customer: string[] = [];
    for (let index = 0; index < 10; index++) {
      const { Policy } = await iam.send(
        new CreatePolicyCommand({
          PolicyName: `customer-${index}`,
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
          }),
        }),
      );
      customer.push(Policy?.Arn ?? '');
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'crowded-role', PolicyArn: Policy?.Arn }));
    }

    const outcome = await scpAlt.reportIamCall({
      accountId: appDev,
      eventName: 'CreateRole',
      principal: { kind: 'role', name: 'crowded-role' },
    });

    expect(outcome).toMatchObject({ additional: { attached: [], missing: [EXTRA_2, EXTRA_3] } });
    const crowded = (await principalBoundaries(iam)).find((principal) => principal.name === 'crowded-role');
    expect(crowded?.boundaryArn).toBe(boundaryPolicyArn(scpAlt.deployment, appDev));
    const messages = await failureMessages(scpAlt.deployment, { atLeast: 1 });
    const quota = messages.filter((text) => text.includes('ATTACHMENT_QUOTA_FULL'));
    expect(quota).toHaveLength(1);
    expect(quota[0]).toContain(`role/crowded-role`);
    const item = await accountItem(scpAlt.deployment, appDev);
    expect(item?.Status).toBe('FAILED');
    expect(String(item?.LastError)).toMatch(/^ATTACHMENT_QUOTA_FULL: .*crowded-role/);

    // The operator frees two slots; the next reconcile attaches and the account is ACTIVE again.
    for (const arn of customer.slice(0, 2))
      await iam.send(new DetachRolePolicyCommand({ RoleName: 'crowded-role', PolicyArn: arn }));
    await reconcile();
    expect(await attachedPolicyNames(iam, 'role', 'crowded-role')).toEqual(
      expect.arrayContaining([EXTRA_2, EXTRA_3]),
    );
    expect((await accountItem(scpAlt.deployment, appDev))?.Status).toBe('ACTIVE');
  });

  it('the reconciler re-attaches an additional policy an administrator detached', async () => {
    const { scpAlt } = env;
    await failureMessages(scpAlt.deployment);
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'app-runtime', PolicyArn: arnOf(EXTRA_2) }));

    const report = await reconcile();

    expect(report.drifted.map((drift) => drift.additional?.attached)).toEqual([
      [expect.stringMatching(/:role\/app-runtime$/)],
    ]);
    expect(await attachedPolicyNames(iam, 'role', 'app-runtime')).toEqual([EXTRA_2, EXTRA_3]);
    expect((await failureMessages(scpAlt.deployment, { atLeast: 1 })).join('\n')).toContain('DRIFT_REPAIRED');
  });

  it('the IAM event path puts back an additional policy detached from a role', async () => {
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'app-deployer', PolicyArn: arnOf(EXTRA_3) }));

    const outcome = await env.scpAlt.reportIamCall({
      accountId: appDev,
      eventName: 'DetachRolePolicy',
      principal: { kind: 'role', name: 'app-deployer' },
      policyArn: arnOf(EXTRA_3),
    });

    expect(outcome).toEqual({ action: 'tampering', repaired: true });
    expect(await attachedPolicyNames(iam, 'role', 'app-deployer')).toEqual([EXTRA_2, EXTRA_3]);
  });

  it('a policy change that shrinks the chain detaches -3 from everyone and deletes it', async () => {
    const results = await env.scpAlt.deletePolicy(policyKey(env.stack.organization.rootId));

    expect(results.flatMap((result) => result.accounts.map((account) => account.outcome))).toEqual([
      'updated',
    ]);
    expect(await localPolicyNames(iam)).toEqual([BOUNDARY, EXTRA_2]);
    const held = await holdings();
    expect(Object.values(held).every((policies) => !policies.includes(EXTRA_3))).toBe(true);
    expect(held['role/app-runtime']).toEqual([EXTRA_2]);
    expect(await recordedExtras()).toEqual([EXTRA_2]);
  });

  it('deregistration removes the boundary, every additional policy and the record', async () => {
    const answer = await env.scpAlt.deregister(appDev, workloads);

    expect(answer.response?.Status).toBe('SUCCESS');
    expect(await localPolicyNames(iam)).toEqual([]);
    const held = await holdings();
    expect(
      Object.values(held)
        .flat()
        .filter((name) => name.startsWith(BOUNDARY)),
    ).toEqual([]);
    expect((await principalBoundaries(iam)).filter((principal) => principal.boundaryArn)).toEqual([]);
    expect(await accountItem(env.scpAlt.deployment, appDev)).toBeUndefined();
  });
});
