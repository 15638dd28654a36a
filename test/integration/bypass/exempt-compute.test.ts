/**
 * Hardening item 11, on the local stack: compute that already runs as an exempt role can be driven
 * without PassRole (new function code, a stack update, commands to an instance), and the boundary
 * cannot stop that. The reconciler finds and reports it on every run: Lambda functions, instance
 * profiles and CloudFormation stacks whose role is the organization access role or a whitelisted
 * role.
 */
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
} from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { memberAccountConfig, ORGANIZATION_ACCESS_ROLE, roleArn } from '#dev/local-aws/accounts.ts';
import { stackSetsExecRoleName } from '#dev/local-aws/seed.ts';
import { lambdaContext } from '#dev/local-deployment/handlers.ts';
import { failureMessages, memberIam } from '#dev/local-deployment/inspect.ts';
import { policyKey, samplePolicy, uploadPolicy } from '#dev/local-deployment/policy-files.ts';
import type { ReconcilerResponse } from '#functions/reconciler.ts';
import { storedZip } from '../../artifact/support/zip-writer.ts';
import { useScpAlt } from '../support/for-tests.ts';

const env = useScpAlt();
const appDev = () => env.stack.organization.accounts['app-dev'] ?? '';

beforeAll(async () => {
  const workloads = env.stack.organization.ous.Workloads ?? '';
  await uploadPolicy(env.scpAlt.deployment, policyKey(workloads), await samplePolicy('deny-all-billing'));
  const answer = await env.scpAlt.enroll(appDev(), workloads);
  if (answer.response?.Status !== 'SUCCESS') throw new Error(`enroll app-dev: ${answer.response?.Reason}`);
});

describe('the reconciler reports compute that runs as exempt roles', () => {
  it('Given a function as the organization access role, a stack with a StackSets role and an instance profile of a whitelisted role, Then one notice names all three, and an ordinary role is not named', async () => {
    const account = appDev();
    const orgRole = roleArn(env.stack, account, ORGANIZATION_ACCESS_ROLE);
    const execRole = roleArn(env.stack, account, stackSetsExecRoleName(account));
    const lambda = new LambdaClient(await memberAccountConfig(env.stack, account, 'lambda'));
    const code = { ZipFile: storedZip({ 'index.mjs': 'export const handler = async () => 1;' }) };
    const created = await lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'ops-runner',
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Role: orgRole,
        Code: code,
      }),
    );
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'ordinary',
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Role: roleArn(env.stack, account, 'app-runtime'),
        Code: code,
      }),
    );
    const cloudFormation = new CloudFormationClient(
      await memberAccountConfig(env.stack, account, 'cloudformation'),
    );
    const stack = await cloudFormation.send(
      new CreateStackCommand({
        StackName: 'baseline',
        RoleARN: execRole,
        TemplateBody: JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }),
      }),
    );
    const iam = await memberIam(env.stack, account);
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'stacksets-exec-ec2',
        AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}',
      }),
    );
    const profile = await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'admin-box' }));
    await iam.send(
      new AddRoleToInstanceProfileCommand({
        InstanceProfileName: 'admin-box',
        RoleName: 'stacksets-exec-ec2',
      }),
    );
    await failureMessages(env.scpAlt.deployment);

    const report = (await env.scpAlt.handlers.reconciler(
      {},
      lambdaContext(env.scpAlt.deployment, 'reconciler'),
    )) as ReconcilerResponse;

    const exposed = report.exposed?.find((entry) => entry.accountId === account);
    expect(exposed?.compute.map((use) => [use.kind, use.arn, use.roleArn]).sort()).toEqual(
      [
        ['cloudformation-stack', stack.StackId, execRole],
        ['instance-profile', profile.InstanceProfile?.Arn, roleArn(env.stack, account, 'stacksets-exec-ec2')],
        ['lambda-function', created.FunctionArn, orgRole],
      ].sort(),
    );
    expect(exposed?.unread).toEqual([]);
    const notices = (await failureMessages(env.scpAlt.deployment)).filter((m) =>
      m.includes('EXEMPT_ROLE_IN_USE'),
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(`Lambda function ${created.FunctionArn} runs as ${orgRole}`);
    expect(notices[0]).not.toContain('ordinary');
  });
});
