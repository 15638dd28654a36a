/**
 * Hardening item 9, on the local stack: what the policy store holds is input, not trusted text. A
 * placeholder spelt as a JSON escape (`\u003cACCOUNT_ID>`) is replaced like the plain one, because
 * substitution happens on the parsed document; a file nested 200,000 deep is refused by the
 * validator's caps before it is parsed, and before any member account is touched.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { takeS3Notifications } from '#dev/local-deployment/events.ts';
import {
  boundaryPolicyArn,
  defaultVersion,
  failureMessages,
  memberIam,
} from '#dev/local-deployment/inspect.ts';
import { policyKey, samplePolicy, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import { useScpAlt } from '../support/for-tests.ts';

const env = useScpAlt();
const appDev = () => env.stack.organization.accounts['app-dev'] ?? '';
const workloads = () => env.stack.organization.ous.Workloads ?? '';

async function deployedText(): Promise<string> {
  const iam = await memberIam(env.stack, appDev());
  return JSON.stringify(
    (await defaultVersion(iam, boundaryPolicyArn(env.scpAlt.deployment, appDev())))?.document,
  );
}

beforeAll(async () => {
  await uploadPolicy(env.scpAlt.deployment, policyKey(workloads()), await samplePolicy('deny-all-billing'));
  const answer = await env.scpAlt.enroll(appDev(), workloads());
  if (answer.response?.Status !== 'SUCCESS') throw new Error(`enroll app-dev: ${answer.response?.Reason}`);
  await takeS3Notifications(env.scpAlt.deployment, 0);
  await failureMessages(env.scpAlt.deployment);
});

describe('policy files are input, not trusted text', () => {
  it('Given an escaped <ACCOUNT_ID> placeholder in an account file, When it is uploaded, Then the deployed boundary names the account', async () => {
    // Written by hand: JSON.stringify would not escape the '<'.
    const body = `{"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":"*","Resource":"*"},
      {"Sid":"KeepLogs","Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws-cn:s3:::logs-\\u003cACCOUNT_ID>/*"}
    ]}`;
    expect(body).toContain('\\u003cACCOUNT_ID>');

    const results = await env.scpAlt.uploadPolicy(policyKey(`account-${appDev()}`), body);

    expect(results.flatMap((result) => result.accounts.map((account) => account.outcome))).toEqual([
      'updated',
    ]);
    const deployed = await deployedText();
    expect(deployed).toContain(`arn:aws-cn:s3:::logs-${appDev()}/*`);
    expect(deployed).not.toContain('ACCOUNT_ID');
  });

  it('Given a file nested 200,000 levels deep, When it is uploaded, Then it is refused before any member account is touched and the boundary stays', async () => {
    const before = await deployedText();
    const depth = 200_000;
    const body = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:x":${'['.repeat(depth)}${']'.repeat(depth)}}}}]}`;
    await env.stack.control.clearCalls();

    const results = await env.scpAlt.uploadPolicy(policyKey(workloads()), body);

    expect(results).toEqual([
      expect.objectContaining({
        accounts: [],
        rejected: [expect.objectContaining({ code: 'policy.file.too-deep' })],
      }),
    ]);
    expect(await env.stack.control.countCalls({ service: 'iam' })).toBe(0);
    expect(
      await env.stack.control.countCalls({
        service: 'sts',
        account: env.stack.organization.managementAccountId,
      }),
    ).toBe(0);
    expect(await deployedText()).toBe(before);
    const messages = await failureMessages(env.scpAlt.deployment, { atLeast: 1 });
    expect(messages.join('\n')).toContain('POLICY_INVALID');
  });
});
