/**
 * The environment each packaged function gets comes from the packaged template, resolved the way
 * CloudFormation would resolve it in the local deployment, so a wrong Ref or a renamed resource
 * shows here before it reaches an account.
 */
import { describe, expect, inject, it } from 'vitest';
import { roleArn } from '#dev/local-aws/accounts.ts';
import { functionRoleName, MANAGEMENT_ROLE_NAME } from '#dev/local-deployment/deployment.ts';
import { TemplateResolver } from '#dev/local-lambda/intrinsics.ts';
import { readPackagedTemplate } from '#dev/local-lambda/template.ts';
import { FUNCTION_NAMES } from '#functions/permissions.ts';
import { usePackagedScpAlt } from './support/packaged-scp-alt.ts';
import type {} from './support/vitest-context.ts';

const env = usePackagedScpAlt();

describe('packaged template → function environment in the local deployment', () => {
  it('packages the four functions', () => {
    expect(env.lambda.functions.map((fn) => fn.functionName).sort()).toEqual(
      FUNCTION_NAMES.map((name) => `scp-alt-prod-${name}`).sort(),
    );
  });

  it.each(FUNCTION_NAMES)('%s: names the deployment’s bucket, table, topic, bus and accounts', (name) => {
    const { deployment } = env;
    const { organization } = env.stack;

    const variables = env.lambda.variablesOf(name);

    expect(variables).toMatchObject({
      SECURITY_ACCOUNT_ID: organization.securityAccountId,
      MANAGEMENT_ACCOUNT_ID: organization.managementAccountId,
      MANAGEMENT_ROLE_NAME,
      ORGANIZATION_ID: organization.organizationId,
      POLICY_BUCKET: deployment.bucket,
      ACCOUNTS_TABLE: deployment.table,
      FAILURE_TOPIC_ARN: deployment.topicArn,
      EVENT_BUS_ARN: deployment.busArn,
      WHITELIST_ROLE_NAMES: 'stacksets-exec-*',
    });
    expect(variables).not.toHaveProperty('MANAGEMENT_ROLE_EXTERNAL_ID');
    expect(env.lambda.roleArnOf(name)).toBe(
      roleArn(env.stack, organization.securityAccountId, functionRoleName(name)),
    );
  });

  it('passes the ExternalId only when the parameter is set, and checks parameters as CloudFormation does', async () => {
    const template = await readPackagedTemplate(inject('artifacts').templateFile);
    const target = {
      accountId: '111122223333',
      region: 'cn-north-1',
      partition: 'aws-cn',
      stackName: 'scp-alt-prod',
      parameters: {
        ManagementAccountID: '444455556666',
        OrganizationID: 'o-abcdef1234',
        SCPCatalogAdministrator: 'role/Operation',
      },
    };
    const fn = env.lambda.functionNamed('reconciler');

    const withId = new TemplateResolver(template, {
      ...target,
      parameters: { ...target.parameters, ManagementRoleExternalId: 'shared-secret' },
    }).resolveEnvironment(fn.environment);
    const badAccount = new TemplateResolver(template, {
      ...target,
      parameters: { ...target.parameters, ManagementAccountID: '4444' },
    });

    expect(withId.MANAGEMENT_ROLE_EXTERNAL_ID).toBe('shared-secret');
    expect(withId.FAILURE_TOPIC_ARN).toBe('arn:aws-cn:sns:cn-north-1:111122223333:scp-alt-prod-failures');
    expect(() => badAccount.resolveEnvironment(fn.environment)).toThrow(
      /ManagementAccountID=4444 does not match/,
    );
  });
});
