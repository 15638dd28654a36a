/**
 * Each function's permissions cover the calls it really makes. The deployment tests hold every
 * role to functions/permissions.ts; here the proxy audits every operation per role session while
 * the real handlers run the product's flows on the local stack, and the audit is held against that
 * same list: a call added to the code without its permission fails here before it fails in AWS.
 */
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { MoveAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import type { AuditedCall } from '#dev/local-aws/types.ts';
import { functionRoleName, MANAGEMENT_ROLE_NAME } from '#dev/local-deployment/deployment.ts';
import { lambdaContext } from '#dev/local-deployment/handlers.ts';
import { memberIam } from '#dev/local-deployment/inspect.ts';
import { createAccountResultEvent, moveAccountEvent } from '#dev/local-deployment/organization-events.ts';
import { conditionalDenyPolicy, policyKey, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { startAccountWorkers } from '#dev/local-env/account-workers.ts';
import { FUNCTION_PERMISSIONS, type FunctionName } from '#functions/permissions.ts';
import { useScpAlt } from '../support/for-tests.ts';

const env = useScpAlt();

/** S3 REST operations under the IAM action that authorizes them; other services match by name. */
const S3_ACTIONS: Partial<Record<string, string>> = {
  ListObjectsV2: 's3:ListBucket',
  ListObjects: 's3:ListBucket',
  HeadObject: 's3:GetObject',
  ListObjectVersions: 's3:ListBucketVersions',
  DeleteObjects: 's3:DeleteObject',
  PutPublicAccessBlock: 's3:PutBucketPublicAccessBlock',
};

/** SQS batch operations are authorized as their single-message action. */
const SQS_ACTIONS: Partial<Record<string, string>> = {
  SendMessageBatch: 'sqs:SendMessage',
  DeleteMessageBatch: 'sqs:DeleteMessage',
};

function iamAction(call: AuditedCall): string {
  const [service = '', name = ''] = call.operation.split(':');
  if (service === 's3') return S3_ACTIONS[name] ?? `s3:${name}`;
  if (service === 'sqs') return SQS_ACTIONS[name] ?? call.operation;
  return call.operation;
}

type Hop = 'own' | 'management' | 'member';

/** The actions each function used, by hop of the role chain. */
function usedBy(audit: AuditedCall[], fn: FunctionName): Record<Hop, string[]> {
  const used = { own: new Set<string>(), management: new Set<string>(), member: new Set<string>() };
  for (const call of audit) {
    const role = call.principalArn.slice(call.principalArn.lastIndexOf('/') + 1);
    if (call.sessionName === fn && role === functionRoleName(fn)) used.own.add(iamAction(call));
    else if (call.sessionName === `scp-alt-${fn}`)
      used[role === MANAGEMENT_ROLE_NAME ? 'management' : 'member'].add(iamAction(call));
  }
  return {
    own: [...used.own].sort(),
    management: [...used.management].sort(),
    member: [...used.member].sort(),
  };
}

describe('what the functions call, against what they are granted', () => {
  it('every function made only calls functions/permissions.ts grants it, on each hop of the role chain', async () => {
    const { scpAlt, stack } = env;
    const appDev = stack.organization.accounts['app-dev'] ?? '';
    const workloads = stack.organization.ous.Workloads ?? '';
    // Given the product's flows run through the real handlers, with a chain that spills into
    // additional policies: enroll with a trail, a policy change that grows the chain and one that
    // shrinks it, a role created without the boundary, a reconcile, a move, an arrival, a
    // deregistration
    await uploadPolicy(scpAlt.deployment, policyKey(workloads), conditionalDenyPolicy(60));
    const enrolled = await scpAlt.register('Create', {
      accountId: appDev,
      ouId: workloads,
      createCloudTrail: 'yes',
    });
    expect(enrolled.response?.Status).toBe('SUCCESS');
    const root = stack.organization.rootId;
    await scpAlt.uploadPolicy(policyKey(root), conditionalDenyPolicy(60, 1000));
    await scpAlt.deletePolicy(policyKey(root));
    // …a change queued for the account worker, as a change reaching many accounts is (the OU file
    // uploaded again as it is: the worker reads and finds the account current)…
    await scpAlt.configure({ ACCOUNT_WORK_INLINE_MAX: '0' });
    const workers = await startAccountWorkers(stack, scpAlt.deployment, { consumers: 2 });
    const queued = await scpAlt.uploadPolicy(policyKey(workloads), conditionalDenyPolicy(60));
    expect(queued.map((result) => result.queued)).toEqual([1]);
    // …and a reconcile queued the same way (the worker repairs and audits the account)…
    const reconcile = await scpAlt.handlers.reconciler({}, lambdaContext(scpAlt.deployment, 'reconciler'));
    expect(reconcile.queued).toBe(1);
    await workers.drained();
    await workers.stop();
    const payloads = workers.invocations.map((invocation) => invocation.payload);
    expect(payloads.length).toBeGreaterThan(0);
    expect(payloads.every((payload) => JSON.stringify(payload) === '{"batchItemFailures":[]}')).toBe(true);
    await scpAlt.configure({ ACCOUNT_WORK_INLINE_MAX: '10' });
    const iam = await memberIam(stack, appDev);
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'audited-role',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
      }),
    );
    expect(
      await scpAlt.reportIamCall({
        accountId: appDev,
        eventName: 'CreateRole',
        principal: { kind: 'role', name: 'audited-role' },
      }),
    ).toMatchObject({ action: 'principal', outcome: 'attached' });
    await scpAlt.handlers.reconciler({}, lambdaContext(scpAlt.deployment, 'reconciler'));
    // …an account moved, and another arriving in an auto-enroll OU…
    const { ous, accounts } = stack.organization;
    const sandboxOu = ous.Sandbox ?? '';
    // (its chain spills too, so the deregistration below has additional policies to remove)
    await uploadPolicy(scpAlt.deployment, policyKey(sandboxOu), conditionalDenyPolicy(60));
    await scpAlt.configure({ AUTO_ENROLL_TARGETS: sandboxOu });
    const organizations = new OrganizationsClient(stack.clientConfig('organizations'));
    await organizations.send(
      new MoveAccountCommand({
        AccountId: appDev,
        SourceParentId: workloads,
        DestinationParentId: sandboxOu,
      }),
    );
    const base = scpAlt.organizationsEventBase;
    const followed = await scpAlt.dispatchOrganizationsEvents([
      moveAccountEvent(base, {
        accountId: appDev,
        sourceParentId: workloads,
        destinationParentId: sandboxOu,
      }),
      createAccountResultEvent(base, accounts.sandbox ?? ''),
    ]);
    expect(followed.batchItemFailures).toEqual([]);
    // (auto-enroll switched off again: a Delete in an auto-enroll OU hands the account over instead)
    await scpAlt.configure({ AUTO_ENROLL_TARGETS: '' });
    const released = await scpAlt.deregister(appDev, sandboxOu);
    expect(released.response?.Status).toBe('SUCCESS');
    expect(released.outcome.reason).toContain(`deregistered ${appDev}`);

    // When the audit of every role session is read
    const audit = await stack.control.sessionAudit();

    // Then no function used an action it is not granted, and each one was seen at work
    const report: string[] = [];
    for (const fn of Object.keys(FUNCTION_PERMISSIONS) as FunctionName[]) {
      const used = usedBy(audit, fn);
      for (const hop of ['own', 'management', 'member'] as const) {
        const missing = used[hop].filter((action) => !FUNCTION_PERMISSIONS[fn][hop].includes(action));
        expect(missing, `${fn} (${hop}) called without the permission`).toEqual([]);
      }
      expect(used.own.length, `${fn} made no call with its own role`).toBeGreaterThan(0);
      report.push(
        `${fn}: ${used.own.length} own, ${used.management.length} management, ${used.member.length} member actions`,
      );
    }
    // And the additional policies' calls were among them, so the check above covered them
    expect(usedBy(audit, 's3-event-dispatcher').member).toEqual(
      expect.arrayContaining([
        'iam:ListEntitiesForPolicy',
        'iam:AttachRolePolicy',
        'iam:AttachUserPolicy',
        'iam:DetachRolePolicy',
        'iam:DeletePolicy',
      ]),
    );
    expect(usedBy(audit, 'iam-event-dispatcher').member).toContain('iam:AttachRolePolicy');
    expect(usedBy(audit, 'account-register').member).toEqual(
      expect.arrayContaining(['iam:AttachRolePolicy', 'iam:DetachUserPolicy', 'iam:DeletePolicy']),
    );
    console.log(`function calls audited:\n  ${report.join('\n  ')}`);
  });
});
