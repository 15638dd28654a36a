/** Deployment settings: flags win over the environment, names default as the deployment names them. */
import { describe, expect, it } from 'vitest';
import { operatorConfig } from '#cli/operator/aws-options.ts';
import { operatorClientConfig } from '#cli/operator/session.ts';
import { UsageError } from '#cli/operator/usage-error.ts';

const SECURITY = '999999999999';

describe('operatorConfig', () => {
  it('Given only a region and the management account, then bucket, table, topic and bus are the deployment defaults', () => {
    const config = operatorConfig(
      { region: 'cn-north-1', 'management-account': '888888888888' },
      {},
      SECURITY,
      { managementAccount: true },
    );
    expect(config).toMatchObject({
      partition: 'aws-cn',
      policyBucket: `scp-alt-${SECURITY}`,
      accountsTable: 'scp-alt-prod-accounts',
      failureTopicArn: `arn:aws-cn:sns:cn-north-1:${SECURITY}:scp-alt-prod-failures`,
      eventBusArn: `arn:aws-cn:events:cn-north-1:${SECURITY}:event-bus/scp-alt-bus`,
      managementRoleName: 'scp-alt-management-access',
      whitelistRoleNames: ['stacksets-exec-*'],
      requireBoundaryOnCreate: true,
    });
  });

  it('Given the same setting as flag and environment variable, then the flag wins', () => {
    const env = {
      AWS_REGION: 'us-east-1',
      ACCOUNTS_TABLE: 'from-env',
      MANAGEMENT_ACCOUNT_ID: '888888888888',
      SCP_ALT_STAGE: 'dev',
    };
    const config = operatorConfig(
      { table: 'from-flag', 'no-require-boundary-on-create': true },
      env,
      SECURITY,
      { managementAccount: true },
    );
    expect(config.accountsTable).toBe('from-flag');
    expect(config.partition).toBe('aws');
    expect(config.failureTopicArn).toBe(`arn:aws:sns:us-east-1:${SECURITY}:scp-alt-dev-failures`);
    expect(config.requireBoundaryOnCreate).toBe(false);
  });

  it('Given a command that reaches member accounts and no management account, then the usage error names flag and variable', () => {
    expect(() => operatorConfig({ region: 'cn-north-1' }, {}, SECURITY, { managementAccount: true })).toThrow(
      new UsageError(
        'invalid configuration: --management-account (MANAGEMENT_ACCOUNT_ID): Invalid input: expected string, received undefined',
      ),
    );
  });
});

describe('operatorClientConfig', () => {
  it('Given an endpoint and keys in the environment, then every client gets them, with path-style S3', () => {
    const config = operatorClientConfig(
      {},
      { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's' },
    );
    expect(config).toEqual({
      maxAttempts: 4,
      endpoint: 'http://127.0.0.1:4566',
      forcePathStyle: true,
      credentials: { accessKeyId: 'k', secretAccessKey: 's' },
    });
  });

  it('Given nothing, then the SDK default chain and endpoints are left alone (four attempts: someone is waiting)', () => {
    expect(operatorClientConfig({}, {})).toEqual({ maxAttempts: 4 });
  });
});
