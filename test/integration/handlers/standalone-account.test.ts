/**
 * A standalone account (outside the organization) on the local stack, through the real handlers:
 * registered through the Service Catalog product with the external id of the role it deployed,
 * placed under a virtual OU so root, virtual OU and account files apply; a policy file change
 * reaches it; its IAM events are acted on; the reconciler keeps it (Organizations does not know
 * it, which is no departure); deregistered.
 */
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { actingAs, roleArn } from '#dev/local-aws/accounts.ts';
import { lambdaContext } from '#dev/local-deployment/handlers.ts';
import {
  accountItem,
  actionsIn,
  boundaryPolicyArn,
  defaultVersion,
  principalBoundaries,
} from '#dev/local-deployment/inspect.ts';
import { policyKey, samplePolicy } from '#dev/local-deployment/policy-files.ts';
import { deployStandaloneRole, STANDALONE_ROLE_NAME } from '#dev/local-deployment/standalone-account.ts';
import { ownSourceIdentity } from '#policy/own-sessions.ts';
import { useScpAlt } from '../support/for-tests.ts';

const env = useScpAlt();
const partner = () => env.stack.organization.standaloneAccounts.partner ?? '';
const root = () => env.stack.organization.rootId;
const VIRTUAL_OU = 'vou-partners';
const EXTERNAL_ID = 'partner-7c1e9a';
const partnerIam = () => actingAs(new IAMClient(env.stack.clientConfig('iam')), partner());

const denying = (...actions: string[]) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Deny', Action: actions, Resource: '*' },
    ],
  });

async function boundaries(): Promise<Map<string, string | undefined>> {
  const found = await principalBoundaries(partnerIam());
  return new Map(found.map((principal) => [`${principal.kind}/${principal.name}`, principal.boundaryArn]));
}

const register = (externalId: string, ouId = VIRTUAL_OU) =>
  env.scpAlt.register('Create', { accountId: partner(), ouId, standaloneExternalId: externalId });

beforeAll(async () => {
  await deployStandaloneRole(env.stack, env.scpAlt.deployment, partner(), { externalId: EXTERNAL_ID });
  await env.scpAlt.configure({ STANDALONE_ACCOUNT_IDS: partner() });
  await env.scpAlt.uploadPolicy(policyKey(root()), await samplePolicy('deny-all-billing'));
  await env.scpAlt.uploadPolicy(policyKey(VIRTUAL_OU), denying('s3:DeleteBucket'));
});

describe('a standalone account', () => {
  it('Given a member account registered as standalone, Then it is refused: only the deployment’s standalone accounts go around Organizations', async () => {
    const appDev = env.stack.organization.accounts['app-dev'] ?? '';
    const answer = await env.scpAlt.register('Create', {
      accountId: appDev,
      ouId: VIRTUAL_OU,
      standaloneExternalId: EXTERNAL_ID,
    });

    expect(answer.response?.Status).toBe('FAILED');
    expect(answer.response?.Reason).toContain('ACCOUNT_REFUSED');
    expect(answer.response?.Reason).toContain('StandaloneAccountIds');
    expect(await accountItem(env.scpAlt.deployment, appDev)).toBeUndefined();
  });

  it('Given the wrong external id, When it is registered, Then its role refuses us and no principal is bounded', async () => {
    const answer = await register('not-the-secret');

    expect(answer.response?.Status).toBe('FAILED');
    expect(answer.response?.Reason).toContain('ASSUME_ROLE_FAILED');
    expect([...(await boundaries()).values()].filter((arn) => arn !== undefined)).toEqual([]);
  });

  it('Given its role and external id, When it is registered under a virtual OU, Then root and virtual OU files apply and every principal but our role carries the boundary', async () => {
    // The failed attempt above left a FAILED record: registering again takes it over.
    const answer = await register(EXTERNAL_ID);

    expect(answer.response?.Status).toBe('SUCCESS');
    const ours = boundaryPolicyArn(env.scpAlt.deployment, partner());
    const found = await boundaries();
    expect(found.get('user/grace')).toBe(ours);
    expect(found.get('role/partner-deployer')).toBe(ours);
    expect(found.get(`role/${STANDALONE_ROLE_NAME}`)).toBeUndefined();
    expect(await accountItem(env.scpAlt.deployment, partner())).toMatchObject({
      Status: 'ACTIVE',
      AccountKind: 'standalone',
      OuPath: [root(), VIRTUAL_OU],
      ScpPolicyPathList: [policyKey(root()), policyKey(VIRTUAL_OU)],
    });
    const deployed = await defaultVersion(partnerIam(), ours);
    expect(actionsIn(deployed?.document)).toContain('s3:DeleteBucket');
    // Our role is the one exempt principal the boundary protects, as the access role in a member.
    expect(JSON.stringify(deployed?.document)).toContain(`:role/${STANDALONE_ROLE_NAME}`);
  });

  it('When a file of its virtual OU changes, Then the change reaches it', async () => {
    const results = await env.scpAlt.uploadPolicy(policyKey(VIRTUAL_OU), denying('ec2:TerminateInstances'));

    const mine = results.flatMap((result) => result.accounts).find((entry) => entry.accountId === partner());
    expect(mine?.outcome).toBe('updated');
    const deployed = await defaultVersion(partnerIam(), boundaryPolicyArn(env.scpAlt.deployment, partner()));
    expect(actionsIn(deployed?.document)).toContain('ec2:TerminateInstances');
    expect(actionsIn(deployed?.document)).not.toContain('s3:DeleteBucket');
  });

  it('When a role is created there, Then its IAM event attaches the boundary; our own marked calls are told apart', async () => {
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws-cn:iam::${partner()}:root` },
          Action: 'sts:AssumeRole',
        },
      ],
    });
    await partnerIam().send(
      new CreateRoleCommand({ RoleName: 'partner-late', AssumeRolePolicyDocument: trust }),
    );
    const created = await env.scpAlt.reportIamCall({
      accountId: partner(),
      eventName: 'CreateRole',
      principal: { kind: 'role', name: 'partner-late' },
    });
    const ourSession = roleArn(env.stack, partner(), STANDALONE_ROLE_NAME)
      .replace(':iam::', ':sts::')
      .replace(':role/', ':assumed-role/')
      .concat('/scp-alt-reconciler');
    const own = await env.scpAlt.reportIamCall({
      accountId: partner(),
      eventName: 'PutRolePermissionsBoundary',
      principal: { kind: 'role', name: 'partner-late' },
      actorArn: ourSession,
      sourceIdentity: ownSourceIdentity('reconciler'),
    });

    expect(created).toEqual({ action: 'principal', outcome: 'attached' });
    expect((await boundaries()).get('role/partner-late')).toBe(
      boundaryPolicyArn(env.scpAlt.deployment, partner()),
    );
    expect(own).toEqual({ action: 'ignored', reason: 'made by scp-alt itself' });
  });

  it('When the reconciler runs, Then the account Organizations does not know stays ACTIVE where its record places it', async () => {
    await env.scpAlt.handlers.reconciler({}, lambdaContext(env.scpAlt.deployment, 'reconciler'));

    expect(await accountItem(env.scpAlt.deployment, partner())).toMatchObject({
      Status: 'ACTIVE',
      OuPath: [root(), VIRTUAL_OU],
    });
  });

  it('When its product is terminated, Then no principal there keeps our boundary and the record is gone', async () => {
    const answer = await env.scpAlt.register('Delete', { accountId: partner(), ouId: VIRTUAL_OU });

    expect(answer.response?.Status).toBe('SUCCESS');
    expect([...(await boundaries()).values()].filter((arn) => arn !== undefined)).toEqual([]);
    expect(await accountItem(env.scpAlt.deployment, partner())).toBeUndefined();
  });
});
