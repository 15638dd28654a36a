/**
 * A security administrator changes policy files in the bucket; S3 notifies s3-event-dispatcher,
 * which recompiles the boundary of every enrolled account the file reaches.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { takeS3Notifications } from '#dev/local-deployment/events.ts';
import {
  accountItem,
  actionsIn,
  boundaryPolicyArn,
  type DefaultVersion,
  defaultVersion,
  failureMessages,
  memberIam,
} from '#dev/local-deployment/inspect.ts';
import { oversizePolicy, policyKey, samplePolicy, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { useScpAlt } from '../support/for-tests.ts';

const env = useScpAlt();
const account = (name: string) => env.stack.organization.accounts[name] ?? '';
const ou = (path: string) => env.stack.organization.ous[path] ?? '';

async function boundaryOf(accountId: string): Promise<DefaultVersion | undefined> {
  const iam = await memberIam(env.stack, accountId);
  return defaultVersion(iam, boundaryPolicyArn(env.scpAlt.deployment, accountId));
}

const IAM_WRITES = /^(Create|Put|Delete|Set|Update|Attach|Detach)/;

beforeAll(async () => {
  const { scpAlt } = env;
  await uploadPolicy(scpAlt.deployment, policyKey(ou('Workloads')), await samplePolicy('deny-all-billing'));
  for (const [name, path] of [
    ['app-dev', 'Workloads'],
    ['app-prod', 'Workloads/Prod'],
  ] as const) {
    const answer = await scpAlt.enroll(account(name), ou(path));
    if (answer.response?.Status !== 'SUCCESS') throw new Error(`enroll ${name}: ${answer.response?.Reason}`);
  }
  await takeS3Notifications(scpAlt.deployment, 0);
  await failureMessages(scpAlt.deployment);
});

describe('policy file changes', () => {
  it('recompiles every enrolled account under an OU when its file changes', async () => {
    const before = await boundaryOf(account('app-prod'));

    const results = await env.scpAlt.uploadPolicy(
      policyKey(ou('Workloads')),
      await samplePolicy('020-deny-all-S3-actions'),
    );

    const outcomes = results.flatMap((result) => result.accounts.map((a) => [a.accountId, a.outcome]));
    expect(outcomes.sort()).toEqual(
      [
        [account('app-dev'), 'updated'],
        [account('app-prod'), 'updated'],
      ].sort(),
    );
    for (const name of ['app-dev', 'app-prod']) {
      const boundary = await boundaryOf(account(name));
      expect(actionsIn(boundary?.document)).toContain('s3:*');
      expect(actionsIn(boundary?.document)).not.toContain('billing:*');
      expect((await accountItem(env.scpAlt.deployment, account(name)))?.PolicyVersionId).toBe(
        boundary?.versionId,
      );
    }
    expect((await boundaryOf(account('app-prod')))?.versionId).not.toBe(before?.versionId);
  });

  it('combines an account file with its OU files by inheritance', async () => {
    const accountFile = policyKey(`account-${account('app-prod')}`);
    const devBefore = await boundaryOf(account('app-dev'));

    await env.scpAlt.uploadPolicy(accountFile, await samplePolicy('deny-leave-organization'));

    const prod = actionsIn((await boundaryOf(account('app-prod')))?.document);
    expect(prod).toContain('s3:*');
    expect(prod).toContain('organizations:LeaveOrganization');
    expect(await boundaryOf(account('app-dev'))).toEqual(devBefore);
    expect((await accountItem(env.scpAlt.deployment, account('app-prod')))?.ScpPolicyPathList).toEqual([
      policyKey(ou('Workloads')),
      accountFile,
    ]);
  });

  it('makes no IAM write when the compiled boundary is unchanged', async () => {
    const { scpAlt, stack } = env;
    await uploadPolicy(
      scpAlt.deployment,
      policyKey(ou('Workloads')),
      await samplePolicy('020-deny-all-S3-actions'),
    );
    const notifications = await takeS3Notifications(scpAlt.deployment);
    await stack.control.clearCalls();

    const results = await scpAlt.dispatchS3(notifications);

    const iamCalls = await stack.control.calls({ service: 'iam' });
    expect(iamCalls.filter((call) => IAM_WRITES.test(call.operation))).toEqual([]);
    expect(results.flatMap((result) => result.accounts.map((a) => a.outcome))).toEqual([
      'unchanged',
      'unchanged',
    ]);
  });

  it.each([
    [
      'malformed',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: '*', Resource: '*' },
          { Effect: 'Deny', Action: 's3:GetObjekt', Resource: '*' },
        ],
      }),
      ['Statement[1]', 'policy.statement.action.unknown'],
    ],
    ['oversize', oversizePolicy(), ['compile.size.exceeded', '6,144']],
  ])(
    'rejects a %s file: operators are told why, boundaries stay as they were',
    async (_kind, body, mentions) => {
      const { scpAlt } = env;
      const key = policyKey(ou('Workloads'));
      const before = await Promise.all([boundaryOf(account('app-dev')), boundaryOf(account('app-prod'))]);

      await scpAlt.uploadPolicy(key, body);

      const messages = await failureMessages(scpAlt.deployment, { atLeast: 1 });
      const aboutFile = messages.filter((text) => text.includes(key));
      expect(aboutFile.length).toBeGreaterThan(0);
      for (const words of mentions) expect(aboutFile.join('\n')).toContain(words);
      expect(aboutFile.join('\n')).toContain('POLICY_INVALID');
      const after = await Promise.all([boundaryOf(account('app-dev')), boundaryOf(account('app-prod'))]);
      expect(after).toEqual(before);
      // Put the good file back for the tests that follow.
      await scpAlt.uploadPolicy(key, await samplePolicy('020-deny-all-S3-actions'));
      await failureMessages(scpAlt.deployment);
    },
  );

  it('recompiles without a deleted file', async () => {
    const accountFile = policyKey(`account-${account('app-prod')}`);

    const results = await env.scpAlt.deletePolicy(accountFile);

    expect(results.flatMap((result) => result.accounts.map((a) => [a.accountId, a.outcome]))).toEqual([
      [account('app-prod'), 'updated'],
    ]);
    const prod = actionsIn((await boundaryOf(account('app-prod')))?.document);
    expect(prod).toContain('s3:*');
    expect(prod).not.toContain('organizations:LeaveOrganization');
    expect((await accountItem(env.scpAlt.deployment, account('app-prod')))?.ScpPolicyPathList).toEqual([
      policyKey(ou('Workloads')),
    ]);
  });
});
