/** Condition keys with the operators that fit their type and sample policy / request values. */
import type { ContextValue } from '#policy/evaluate.ts';
import { ACCOUNT, PRINCIPALS, policyVariable } from './names.ts';

const P = 'aws-cn';

/** Condition keys, the operators that fit their type and sample policy / request values. */
export interface KeyShape {
  key: string;
  operators: string[];
  policyValues: string[];
  requestValues: ContextValue[];
}

const STRING_OPS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
];
export const KEY_SHAPES: KeyShape[] = [
  {
    key: 'aws:RequestedRegion',
    operators: STRING_OPS,
    policyValues: ['cn-north-1', 'cn-*', 'us-east-1', 'CN-NORTH-1', 'cn-?orth*-1'],
    requestValues: ['cn-north-1', 'cn-northwest-1', 'us-east-1'],
  },
  {
    key: 'aws:PrincipalTag/team',
    operators: STRING_OPS,
    policyValues: [
      'red',
      'blue',
      'Re*',
      policyVariable('aws:ResourceTag/team'),
      policyVariable("aws:PrincipalTag/missing, 'red'"),
    ],
    requestValues: ['red', 'blue', 'Red'],
  },
  {
    key: 'aws:ResourceTag/team',
    operators: STRING_OPS,
    policyValues: ['red', policyVariable('aws:PrincipalTag/team'), '*'],
    requestValues: ['red', 'green', '*'],
  },
  {
    key: 'aws:SourceIp',
    operators: ['IpAddress', 'NotIpAddress'],
    policyValues: ['10.0.0.0/8', '192.168.1.0/24', '2001:db8::/32', '8.8.8.8/32', '128.0.0.0/1'],
    requestValues: ['10.1.2.3', '192.168.1.7', '8.8.8.8', '2001:db8::1', 'not-an-ip'],
  },
  {
    key: 'aws:SecureTransport',
    operators: ['Bool'],
    policyValues: ['true', 'false', 'True'],
    requestValues: ['true', 'false', 'yes'],
  },
  {
    key: 'aws:MultiFactorAuthAge',
    operators: [
      'NumericEquals',
      'NumericNotEquals',
      'NumericLessThan',
      'NumericLessThanEquals',
      'NumericGreaterThan',
      'NumericGreaterThanEquals',
    ],
    policyValues: ['300', '3600', '0.5', '100'],
    requestValues: ['100', '4000', '300'],
  },
  {
    key: 'aws:CurrentTime',
    operators: [
      'DateEquals',
      'DateNotEquals',
      'DateLessThan',
      'DateLessThanEquals',
      'DateGreaterThan',
      'DateGreaterThanEquals',
    ],
    policyValues: ['2024-01-01T00:00:00Z', '2030-06-30T12:00:00Z', '2025-01-01'],
    requestValues: ['2026-03-01T10:00:00Z', '2024-01-01T00:00:00Z', '2031-01-01T00:00:00Z'],
  },
  {
    key: 'aws:PrincipalArn',
    operators: ['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike'],
    policyValues: [
      `arn:${P}:iam::${ACCOUNT}:role/Admin`,
      `arn:${P}:iam::*:role/*`,
      `arn:${P}:iam::${ACCOUNT}:user/al*`,
      `arn:*:iam::${ACCOUNT}:*`,
    ],
    requestValues: PRINCIPALS,
  },
  {
    key: 'aws:TagKeys',
    operators: STRING_OPS,
    policyValues: ['env', 'team', 'cost*'],
    requestValues: [['env'], ['env', 'team'], ['costcenter', 'owner'], []],
  },
  {
    key: 'aws:RequestTag/blob',
    operators: ['BinaryEquals'],
    policyValues: ['QmluYXJ5', 'b3RoZXI='],
    requestValues: ['QmluYXJ5', 'eA=='],
  },
];
