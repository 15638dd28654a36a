import { describe, expect, it } from 'vitest';
import { type AssumeRoleRequest, evaluateTrustPolicy } from '#dev/local-aws/proxy/trust-policy.ts';

const MANAGER_ROLE = 'arn:aws-cn:iam::111111111111:role/ops/manager';
const caller: AssumeRoleRequest = { principalArn: MANAGER_ROLE, principalAccount: '111111111111' };

function trust(statement: Record<string, unknown>): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', ...statement }],
  });
}

const CASES: { name: string; document: string; request?: Partial<AssumeRoleRequest>; allowed: boolean }[] = [
  {
    name: 'account root allows any principal of that account',
    document: trust({ Principal: { AWS: 'arn:aws-cn:iam::111111111111:root' } }),
    allowed: true,
  },
  {
    name: 'bare account id counts as the root',
    document: trust({ Principal: { AWS: '111111111111' } }),
    allowed: true,
  },
  {
    name: 'exact role ARN allows that role',
    document: trust({ Principal: { AWS: [MANAGER_ROLE] } }),
    allowed: true,
  },
  {
    name: 'another role of the same account is refused',
    document: trust({ Principal: { AWS: 'arn:aws-cn:iam::111111111111:role/other' } }),
    allowed: false,
  },
  {
    name: 'root of another account is refused',
    document: trust({ Principal: { AWS: 'arn:aws-cn:iam::222222222222:root' } }),
    allowed: false,
  },
  {
    name: 'root ARN of another partition is refused',
    document: trust({ Principal: { AWS: 'arn:aws:iam::111111111111:root' } }),
    allowed: false,
  },
  {
    name: 'service principal does not admit IAM callers',
    document: trust({ Principal: { Service: 'lambda.amazonaws.com' } }),
    allowed: false,
  },
  {
    name: 'ExternalId condition met',
    document: trust({
      Principal: { AWS: MANAGER_ROLE },
      Condition: { StringEquals: { 'sts:ExternalId': 'x-1' } },
    }),
    request: { externalId: 'x-1' },
    allowed: true,
  },
  {
    name: 'ExternalId missing',
    document: trust({
      Principal: { AWS: MANAGER_ROLE },
      Condition: { StringEquals: { 'sts:ExternalId': 'x-1' } },
    }),
    allowed: false,
  },
  {
    name: 'PrincipalOrgID condition met',
    document: trust({
      Principal: { AWS: '*' },
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } },
    }),
    request: { principalOrgId: 'o-abc' },
    allowed: true,
  },
  {
    name: 'unsupported condition operator is never satisfied',
    document: trust({
      Principal: { AWS: MANAGER_ROLE },
      Condition: { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01' } },
    }),
    allowed: false,
  },
  {
    name: 'explicit deny wins over allow',
    document: JSON.stringify({
      Statement: [
        { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: '111111111111' } },
        { Effect: 'Deny', Action: 'sts:*', Principal: { AWS: MANAGER_ROLE } },
      ],
    }),
    allowed: false,
  },
  {
    name: 'other actions do not grant AssumeRole',
    document: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'sts:TagSession', Principal: '*' }] }),
    allowed: false,
  },
  { name: 'a document that is not JSON refuses', document: '{', allowed: false },
];

describe('trust policy check on AssumeRole', () => {
  it.each(CASES)('$name', ({ document, request, allowed }) => {
    expect(evaluateTrustPolicy(document, { ...caller, ...request }).allowed).toBe(allowed);
  });
});
