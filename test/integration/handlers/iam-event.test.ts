/**
 * A user or role is created in an enrolled account; the CloudTrail event reaches the security bus
 * and iam-event-dispatcher makes sure the new principal carries the boundary.
 */
import {
  CreateRoleCommand,
  CreateUserCommand,
  DeleteRolePermissionsBoundaryCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { boundaryPolicyArn, memberIam, principalBoundaries } from '#dev/local-deployment/inspect.ts';
import { policyKey, samplePolicy, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { partitionOfRegion } from '#policy/partition.ts';
import { useScpAlt } from '../support/for-tests.ts';

const env = useScpAlt();
const account = (name: string) => env.stack.organization.accounts[name] ?? '';
let appDevIam: IAMClient;

const trustOwnAccount = (accountId: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:${partitionOfRegion(env.stack.region)}:iam::${accountId}:root` },
        Action: 'sts:AssumeRole',
      },
    ],
  });

async function createRole(iam: IAMClient, accountId: string, roleName: string, boundary?: string) {
  await iam.send(
    new CreateRoleCommand({
      RoleName: roleName,
      AssumeRolePolicyDocument: trustOwnAccount(accountId),
      ...(boundary ? { PermissionsBoundary: boundary } : {}),
    }),
  );
}

async function boundaryOf(iam: IAMClient, kind: 'user' | 'role', name: string): Promise<string | undefined> {
  const principals = await principalBoundaries(iam);
  return principals.find((principal) => principal.kind === kind && principal.name === name)?.boundaryArn;
}

beforeAll(async () => {
  const { scpAlt, stack } = env;
  const workloads = stack.organization.ous.Workloads ?? '';
  await uploadPolicy(scpAlt.deployment, policyKey(workloads), await samplePolicy('deny-all-billing'));
  const answer = await scpAlt.enroll(account('app-dev'), workloads);
  if (answer.response?.Status !== 'SUCCESS') throw new Error(`enroll app-dev: ${answer.response?.Reason}`);
  appDevIam = await memberIam(stack, account('app-dev'));
});

describe('principal created in an enrolled account', () => {
  it('attaches the boundary to a new role and a new user', async () => {
    const appDev = account('app-dev');
    const ours = boundaryPolicyArn(env.scpAlt.deployment, appDev);
    await createRole(appDevIam, appDev, 'new-pipeline-role');
    await appDevIam.send(new CreateUserCommand({ UserName: 'new-contractor' }));

    const role = await env.scpAlt.reportIamCall({
      accountId: appDev,
      eventName: 'CreateRole',
      principal: { kind: 'role', name: 'new-pipeline-role' },
    });
    const user = await env.scpAlt.reportIamCall({
      accountId: appDev,
      eventName: 'CreateUser',
      principal: { kind: 'user', name: 'new-contractor' },
    });

    expect([role, user]).toEqual([
      { action: 'principal', outcome: 'attached' },
      { action: 'principal', outcome: 'attached' },
    ]);
    expect(await boundaryOf(appDevIam, 'role', 'new-pipeline-role')).toBe(ours);
    expect(await boundaryOf(appDevIam, 'user', 'new-contractor')).toBe(ours);
  });

  it('handles the events of an SQS batch, the way the bus queue delivers them', async () => {
    const appDev = account('app-dev');
    await createRole(appDevIam, appDev, 'batch-role-1');
    await createRole(appDevIam, appDev, 'batch-role-2');

    const batch = await env.scpAlt.forwardIamCalls(
      ['batch-role-1', 'batch-role-2'].map((name) => ({
        accountId: appDev,
        eventName: 'CreateRole',
        principal: { kind: 'role' as const, name },
      })),
    );
    const response = await env.scpAlt.dispatchIamEvents(batch);

    expect(response.batchItemFailures).toEqual([]);
    const ours = boundaryPolicyArn(env.scpAlt.deployment, appDev);
    expect(await boundaryOf(appDevIam, 'role', 'batch-role-1')).toBe(ours);
    expect(await boundaryOf(appDevIam, 'role', 'batch-role-2')).toBe(ours);
  });

  it('ignores a duplicate delivery of the same event id', async () => {
    const appDev = account('app-dev');
    await createRole(appDevIam, appDev, 'delivered-twice');
    const call = {
      accountId: appDev,
      eventName: 'CreateRole',
      principal: { kind: 'role' as const, name: 'delivered-twice' },
      eventId: 'a7d1c0de-0000-4000-8000-000000000001',
    };
    expect(await env.scpAlt.reportIamCall(call)).toEqual({ action: 'principal', outcome: 'attached' });
    // An exempt administrator removes it; a redelivery of the old event must not be mistaken for news.
    await appDevIam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: 'delivered-twice' }));

    const again = await env.scpAlt.reportIamCall(call);

    expect(again).toEqual({ action: 'ignored', reason: 'duplicate event' });
    expect(await boundaryOf(appDevIam, 'role', 'delivered-twice')).toBeUndefined();
  });

  it('changes nothing for a failed call (errorCode set), and reports a denied create as an attempt', async () => {
    const appDev = account('app-dev');
    await createRole(appDevIam, appDev, 'failed-create-lookalike');

    const outcome = await env.scpAlt.reportIamCall({
      accountId: appDev,
      eventName: 'CreateRole',
      principal: { kind: 'role', name: 'failed-create-lookalike' },
      errorCode: 'AccessDenied',
    });

    expect(outcome).toEqual({ action: 'attempt-denied', errorCode: 'AccessDenied' });
    expect(await boundaryOf(appDevIam, 'role', 'failed-create-lookalike')).toBeUndefined();
  });

  it('ignores an account that is not enrolled, without touching it', async () => {
    const { scpAlt, stack } = env;
    const sandbox = account('sandbox');
    const sandboxIam = await memberIam(stack, sandbox);
    await createRole(sandboxIam, sandbox, 'sandbox-role');
    const batch = await scpAlt.forwardIamCalls([
      { accountId: sandbox, eventName: 'CreateRole', principal: { kind: 'role', name: 'sandbox-role' } },
    ]);
    await stack.control.clearCalls();

    await scpAlt.dispatchIamEvents(batch);

    expect(await stack.control.countCalls({ service: 'iam' })).toBe(0);
    expect(await boundaryOf(sandboxIam, 'role', 'sandbox-role')).toBeUndefined();
  });

  it('costs at most a read and an attach when warm, and one read when the role already has it', async () => {
    const { scpAlt, stack } = env;
    const appDev = account('app-dev');
    const ours = boundaryPolicyArn(scpAlt.deployment, appDev);
    const createEvent = (name: string) => ({
      accountId: appDev,
      eventName: 'CreateRole',
      principal: { kind: 'role' as const, name },
    });
    // Warm the container: credentials and the account record are cached from here on.
    await createRole(appDevIam, appDev, 'warm-up');
    await scpAlt.dispatchIamEvents(await scpAlt.forwardIamCalls([createEvent('warm-up')]));
    await createRole(appDevIam, appDev, 'warm-unbounded');
    await createRole(appDevIam, appDev, 'warm-bounded', ours);
    const unbounded = await scpAlt.forwardIamCalls([createEvent('warm-unbounded')]);
    const bounded = await scpAlt.forwardIamCalls([createEvent('warm-bounded')]);

    await stack.control.clearCalls();
    await scpAlt.dispatchIamEvents(unbounded);
    const attachCalls = await stack.control.calls();
    await stack.control.clearCalls();
    await scpAlt.dispatchIamEvents(bounded);
    const readCalls = await stack.control.calls();

    const operations = (calls: typeof attachCalls) => calls.flatMap((c) => Array(c.calls).fill(c.operation));
    expect(operations(attachCalls).sort()).toEqual(['GetRole', 'PutRolePermissionsBoundary']);
    expect(operations(readCalls)).toEqual(['GetRole']);
    expect(await boundaryOf(appDevIam, 'role', 'warm-unbounded')).toBe(ours);
  });
});
