/**
 * Enrollment through the Service Catalog product: CloudFormation sends a custom-resource request
 * to account-register, which must always answer on the response URL.
 */

import { IAMClient } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { SEEDED_SERVICE_LINKED_SERVICE, stackSetsExecRoleName } from '#dev/local-aws/seed.ts';
import {
  accountItem,
  actionsIn,
  boundaryPolicyArn,
  carrying,
  defaultVersion,
  failureMessages,
  memberIam,
  principalBoundaries,
} from '#dev/local-deployment/inspect.ts';
import { policyKey, samplePolicy, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { useScpAlt } from '../support/for-tests.ts';

const env = useScpAlt();

describe('enroll an account through the custom resource', () => {
  it('creates the boundary, attaches it to every non-exempt principal, records the account and answers SUCCESS', async () => {
    const { scpAlt, stack } = env;
    const { accounts, ous, managementAccountId } = stack.organization;
    const appDev = accounts['app-dev'] ?? '';
    const workloads = ous.Workloads ?? '';
    await uploadPolicy(
      scpAlt.deployment,
      policyKey(workloads),
      await samplePolicy('020-deny-all-S3-actions'),
    );

    const answer = await scpAlt.enroll(appDev, workloads);

    expect(answer.answers).toBe(1);
    expect(answer.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: appDev });
    const policyArn = boundaryPolicyArn(scpAlt.deployment, appDev);
    expect(answer.response?.Data?.PolicyArn).toBe(policyArn);
    const iam = await memberIam(stack, appDev);
    const boundary = await defaultVersion(iam, policyArn);
    expect(actionsIn(boundary?.document)).toContain('s3:*');
    const principals = await principalBoundaries(iam);
    // Users and roles of the seed, plus the forwarding role enrollment created: all bounded.
    expect(carrying(principals, policyArn)).toEqual([
      'role/app-deployer',
      'role/app-runtime',
      'role/scp-event-rule',
      'user/alice',
      'user/bob',
    ]);
    const unbounded = principals.filter((p) => p.boundaryArn === undefined).map((p) => p.name);
    expect(unbounded).toContain('OrganizationAccountAccessRole');
    expect(unbounded).toContain(stackSetsExecRoleName(appDev));
    const serviceLinked = principals.find((p) => p.path.startsWith('/aws-service-role/'));
    expect(serviceLinked?.path).toBe(`/aws-service-role/${SEEDED_SERVICE_LINKED_SERVICE}/`);
    expect(serviceLinked?.boundaryArn).toBeUndefined();

    const item = await accountItem(scpAlt.deployment, appDev);
    expect(item).toMatchObject({
      AccountId: appDev,
      MgtId: managementAccountId,
      OuId: workloads,
      OuPath: [stack.organization.rootId, workloads],
      ScpPolicyPathList: [policyKey(workloads)],
      PolicyVersionId: boundary?.versionId,
      Status: 'ACTIVE',
    });
    expect(String(item?.ScpUpdateTime)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  });

  it.each([
    ['security', (org: typeof env.stack.organization) => org.securityAccountId, 'security account'],
    ['management', (org: typeof env.stack.organization) => org.managementAccountId, 'management account'],
  ])('refuses the %s account with FAILED and a readable reason', async (_name, accountOf, words) => {
    const { scpAlt, stack } = env;
    const accountId = accountOf(stack.organization);

    const answer = await scpAlt.enroll(accountId, stack.organization.rootId);

    expect(answer.answers).toBe(1);
    expect(answer.response?.Status).toBe('FAILED');
    expect(answer.response?.Reason).toContain('ACCOUNT_REFUSED');
    expect(answer.response?.Reason).toContain(words);
    expect(answer.response?.PhysicalResourceId).not.toBe(accountId);
    const iam =
      accountId === stack.organization.managementAccountId
        ? new IAMClient(stack.clientConfig('iam'))
        : await memberIam(stack, accountId);
    expect(await defaultVersion(iam, boundaryPolicyArn(scpAlt.deployment, accountId))).toBeUndefined();
  });

  it('answers FAILED when no policy file applies to the account, and tells the operators', async () => {
    const { scpAlt, stack } = env;
    const sandbox = stack.organization.accounts.sandbox ?? '';
    await failureMessages(scpAlt.deployment);

    const answer = await scpAlt.enroll(sandbox, stack.organization.ous.Sandbox ?? '');

    expect(answer.answers).toBe(1);
    expect(answer.response?.Status).toBe('FAILED');
    expect(answer.response?.Reason).toContain('POLICY_MISSING');
    const iam = await memberIam(stack, sandbox);
    expect(await defaultVersion(iam, boundaryPolicyArn(scpAlt.deployment, sandbox))).toBeUndefined();
    expect(carrying(await principalBoundaries(iam), boundaryPolicyArn(scpAlt.deployment, sandbox))).toEqual(
      [],
    );
    const messages = await failureMessages(scpAlt.deployment, { atLeast: 1 });
    expect(messages.some((text) => text.includes('POLICY_MISSING') && text.includes(sandbox))).toBe(true);
  });

  it('still answers CloudFormation when an AWS call fails unexpectedly (AssumeRole fault)', async () => {
    const { scpAlt, stack } = env;
    const { accounts, ous, managementAccountId } = stack.organization;
    const appProd = accounts['app-prod'] ?? '';
    const prod = ous['Workloads/Prod'] ?? '';
    await scpAlt.coldStart();
    // The second hop of the role chain: the management role assuming the member's access role.
    await stack.control.injectFault({
      service: 'sts',
      operation: 'AssumeRole',
      account: managementAccountId,
      code: 'RegionDisabledException',
      status: 403,
      count: 1,
    });
    try {
      const answer = await scpAlt.enroll(appProd, prod);

      expect(answer.answers).toBe(1);
      expect(answer.response?.Status).toBe('FAILED');
      expect(answer.response?.Reason).toContain('ASSUME_ROLE_FAILED');
    } finally {
      await stack.control.clearRules();
    }
    // The fault is gone: launching the product again succeeds.
    const retry = await scpAlt.enroll(appProd, prod);
    expect(retry.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: appProd });
  });

  it('Update to another account enrolls the new account first, then deregisters the old one', async () => {
    const { scpAlt, stack } = env;
    const { accounts, ous } = stack.organization;
    const sandbox = accounts.sandbox ?? '';
    const appProd = accounts['app-prod'] ?? '';
    const prod = ous['Workloads/Prod'] ?? '';
    await uploadPolicy(
      scpAlt.deployment,
      policyKey(ous.Sandbox ?? ''),
      await samplePolicy('020-deny-all-S3-actions'),
    );
    await scpAlt.deregister(appProd, prod);
    const created = await scpAlt.enroll(sandbox, ous.Sandbox ?? '');
    expect(created.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: sandbox });

    const updated = await scpAlt.register('Update', {
      accountId: appProd,
      ouId: prod,
      physicalResourceId: sandbox,
    });

    expect(updated.answers).toBe(1);
    expect(updated.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: appProd });
    const newPolicy = boundaryPolicyArn(scpAlt.deployment, appProd);
    expect(carrying(await principalBoundaries(await memberIam(stack, appProd)), newPolicy)).toContain(
      'user/carol',
    );
    expect(await accountItem(scpAlt.deployment, appProd)).toMatchObject({ Status: 'ACTIVE', OuId: prod });
    const oldIam = await memberIam(stack, sandbox);
    const oldPolicy = boundaryPolicyArn(scpAlt.deployment, sandbox);
    expect(await defaultVersion(oldIam, oldPolicy)).toBeUndefined();
    expect(carrying(await principalBoundaries(oldIam), oldPolicy)).toEqual([]);
    expect(await accountItem(scpAlt.deployment, sandbox)).toBeUndefined();
  });

  it('Update to another OU keeps the account enrolled and records the new OU', async () => {
    const { scpAlt, stack } = env;
    const { accounts, ous } = stack.organization;
    const appProd = accounts['app-prod'] ?? '';
    const prod = ous['Workloads/Prod'] ?? '';
    const workloads = ous.Workloads ?? '';
    await scpAlt.deregister(appProd, prod);
    expect((await scpAlt.enroll(appProd, prod)).response?.Status).toBe('SUCCESS');

    const updated = await scpAlt.register('Update', {
      accountId: appProd,
      ouId: workloads,
      physicalResourceId: appProd,
    });

    expect(updated.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: appProd });
    expect(await accountItem(scpAlt.deployment, appProd)).toMatchObject({
      Status: 'ACTIVE',
      OuId: workloads,
    });
    const policy = boundaryPolicyArn(scpAlt.deployment, appProd);
    expect(await defaultVersion(await memberIam(stack, appProd), policy)).toBeDefined();
    expect(carrying(await principalBoundaries(await memberIam(stack, appProd)), policy)).toContain(
      'user/carol',
    );
  });
});
