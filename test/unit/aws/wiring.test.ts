import { describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config.ts';
import { buildPorts } from '#shared/wiring.ts';

const env = {
  AWS_REGION: 'cn-northwest-1',
  SECURITY_ACCOUNT_ID: '999999999999',
  MANAGEMENT_ACCOUNT_ID: '888888888888',
  MANAGEMENT_ROLE_NAME: 'scp-alt-management',
  POLICY_BUCKET: 'scp-alt-999999999999',
  ACCOUNTS_TABLE: 'scp-alt-accounts',
  FAILURE_TOPIC_ARN: 'arn:aws-cn:sns:cn-northwest-1:999999999999:scp-alt-failures',
  EVENT_BUS_ARN: 'arn:aws-cn:events:cn-northwest-1:999999999999:event-bus/scp-alt',
};

describe('buildPorts', () => {
  it('derives names and partition from configuration and points every client at a given endpoint', async () => {
    const wiring = buildPorts(loadConfig(env), {
      functionName: 'account-register',
      clientConfig: {
        endpoint: 'http://127.0.0.1:5000',
        credentials: { accessKeyId: 'k', secretAccessKey: 's' },
      },
    });
    expect(wiring.ports.iam.policyArnFor('111111111111')).toBe(
      'arn:aws-cn:iam::111111111111:policy/scp-enforce-policy',
    );
    expect(wiring.chain.sessionName).toBe('scp-alt-account-register');
    const member = wiring.clientsFor('111111111111');
    expect(wiring.clientsFor('111111111111')).toBe(member);
    const endpoint = await member.iam.config.endpoint?.();
    expect(endpoint?.hostname).toBe('127.0.0.1');
    // Clients in the member account run in the partition's IAM events region where events live.
    expect(await member.events.config.region()).toBe('cn-north-1');
  });
});
