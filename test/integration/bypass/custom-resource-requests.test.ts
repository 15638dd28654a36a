/**
 * Hardening item 7, on the local stack: account-register acts only on what CloudFormation sends for
 * our Service Catalog product. A direct invoke that names any account in a Delete and any URL for
 * the answer deregisters nothing and PUTs nowhere; the operators hear of it once.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { provisionedProductStackId } from '#dev/local-deployment/events.ts';
import {
  accountItem,
  boundaryPolicyArn,
  carrying,
  failureMessages,
  memberIam,
  principalBoundaries,
} from '#dev/local-deployment/inspect.ts';
import { policyKey, samplePolicy, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { useScpAlt } from '../support/for-tests.ts';

const env = useScpAlt();
const appDev = () => env.stack.organization.accounts['app-dev'] ?? '';
const workloads = () => env.stack.organization.ous.Workloads ?? '';

async function stillEnrolled(): Promise<void> {
  expect(await accountItem(env.scpAlt.deployment, appDev())).toMatchObject({ Status: 'ACTIVE' });
  const policy = boundaryPolicyArn(env.scpAlt.deployment, appDev());
  expect(carrying(await principalBoundaries(await memberIam(env.stack, appDev())), policy)).toContain(
    'user/alice',
  );
}

async function refusals(): Promise<string[]> {
  return (await failureMessages(env.scpAlt.deployment)).filter((message) =>
    message.includes('REQUEST_REFUSED'),
  );
}

beforeAll(async () => {
  await uploadPolicy(env.scpAlt.deployment, policyKey(workloads()), await samplePolicy('deny-all-billing'));
  const answer = await env.scpAlt.enroll(appDev(), workloads());
  if (answer.response?.Status !== 'SUCCESS') throw new Error(`enroll app-dev: ${answer.response?.Reason}`);
  await failureMessages(env.scpAlt.deployment);
});

describe('account-register refuses requests CloudFormation would not send', () => {
  it.each([
    [
      'answered at an instance-metadata address',
      { ResponseURL: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' },
    ],
    [
      'answered at an https host of the invoker',
      { ResponseURL: 'https://203.0.113.9/cloudformation-custom-resource-response' },
    ],
    [
      'from a stack that is no provisioned product',
      { StackId: `arn:aws-cn:cloudformation:cn-north-1:000000000000:stack/mine/1` },
    ],
    ['for another function', { ServiceToken: 'arn:aws-cn:lambda:cn-north-1:000000000000:function:other' }],
  ])(
    'Given a Delete %s, Then nothing is deregistered, nothing is answered, and the operators are told once',
    async (_what, changes) => {
      const answer = await env.scpAlt.register(
        'Delete',
        { accountId: appDev(), ouId: workloads() },
        (request) => ({
          ...request,
          ...changes,
        }),
      );

      expect(answer.outcome).toMatchObject({
        status: 'FAILED',
        reason: expect.stringMatching(/^REQUEST_REFUSED: /),
      });
      expect(answer.answers).toBe(0);
      await stillEnrolled();
      expect(await refusals()).toHaveLength(1);
    },
  );

  it('Given a Delete from a provisioned product other than the one that enrolled the account, Then it is answered FAILED and nothing is deregistered', async () => {
    const answer = await env.scpAlt.register(
      'Delete',
      { accountId: appDev(), ouId: workloads() },
      (request) => ({
        ...request,
        StackId: provisionedProductStackId(env.scpAlt.deployment, 'some-other-product'),
      }),
    );

    expect(answer.answers).toBe(1);
    expect(answer.response).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringContaining('was enrolled by stack'),
    });
    await stillEnrolled();
    expect(await refusals()).toHaveLength(1);
  });

  it('Given the Delete the enrolling product sends, Then the account is deregistered as before', async () => {
    const answer = await env.scpAlt.deregister(appDev(), workloads());

    expect(answer.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: appDev() });
    expect(await accountItem(env.scpAlt.deployment, appDev())).toBeUndefined();
  });
});
