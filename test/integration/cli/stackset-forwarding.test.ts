/**
 * An account whose forwarding a StackSet deployed (templates/member-forwarding.yaml) and that is
 * enrolled as well: enrollment leaves the StackSet's rule and role as they are, and deregistration
 * deletes neither.
 */
import { DescribeRuleCommand, EventBridgeClient, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { memberAccountConfig } from '#dev/local-aws/accounts.ts';
import { policyKey, samplePolicy } from '#dev/local-deployment/policy-files.ts';
import { useScpAlt } from '../support/for-tests.ts';
import { operatorEnvironment, scpAlt } from './operator.ts';

const deployed = useScpAlt();
const { stack } = deployed;
const STACKSET_DESCRIPTION = 'Managed by CloudFormation StackSets (scp-alt member-forwarding.yaml)';

describe('StackSet forwarding beside enrollment', () => {
  let env: Record<string, string>;
  let account: string;
  let prod: string;
  let events: EventBridgeClient;
  let iam: IAMClient;
  beforeAll(async () => {
    env = await operatorEnvironment(stack, deployed.scpAlt.deployment);
    account = stack.organization.accounts['app-prod'] ?? '';
    prod = stack.organization.ous['Workloads/Prod'] ?? '';
    await deployed.scpAlt.uploadPolicy(policyKey(prod), await samplePolicy('deny-leave-organization'));
    // What the StackSet instance leaves in the account: the rule and its role.
    events = new EventBridgeClient(await memberAccountConfig(stack, account, 'events'));
    iam = new IAMClient(await memberAccountConfig(stack, account, 'iam'));
    await events.send(
      new PutRuleCommand({
        Name: 'scp-event-rule',
        Description: STACKSET_DESCRIPTION,
        EventPattern: JSON.stringify({ source: ['aws.iam'] }),
      }),
    );
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'scp-event-rule',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
      }),
    );
  });

  it('Given the StackSet rule, when the account is enrolled and deregistered, then the rule and its role are still the StackSet’s', async () => {
    expect((await scpAlt(env, 'register', '--account', account, '--ou', prod)).code).toBe(0);
    expect((await events.send(new DescribeRuleCommand({ Name: 'scp-event-rule' }))).Description).toBe(
      STACKSET_DESCRIPTION,
    );
    expect((await scpAlt(env, 'deregister', '--account', account)).code).toBe(0);
    expect((await events.send(new DescribeRuleCommand({ Name: 'scp-event-rule' }))).Description).toBe(
      STACKSET_DESCRIPTION,
    );
    expect((await iam.send(new GetRoleCommand({ RoleName: 'scp-event-rule' }))).Role?.RoleName).toBe(
      'scp-event-rule',
    );
  });
});
