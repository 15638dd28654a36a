/**
 * What `scp-alt simulate` tells a user: the decision and the statement (file, Sid, index, level)
 * that decided it. Decisions themselves are checked against iam-simulate in agreement.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  type EvaluatedStatement,
  type EvaluationRequest,
  type EvaluationResult,
  evaluateRequest,
  type NamedPolicy,
  type PolicySet,
} from '#policy/evaluate.ts';
import { policyVariable } from './names.ts';

const USER = 'arn:aws-cn:iam::111122223333:user/alice';
const SESSION = 'arn:aws-cn:sts::111122223333:assumed-role/App/s1';
const BUCKET_OBJECT = 'arn:aws-cn:s3:::data-lake/home/alice/a.txt';

const policy = (source: string, ...Statement: EvaluatedStatement[]): NamedPolicy => ({
  source,
  document: { Version: '2012-10-17', Statement },
});
const allowAll: EvaluatedStatement = { Effect: 'Allow', Action: '*', Resource: '*' };
const request = (overrides: Partial<EvaluationRequest> = {}): EvaluationRequest => ({
  action: 's3:GetObject',
  resource: BUCKET_OBJECT,
  principalArn: USER,
  accountId: '111122223333',
  context: { 'aws:RequestedRegion': 'cn-north-1', 'aws:username': 'alice' },
  ...overrides,
});

interface Case {
  name: string;
  policies: PolicySet;
  request?: Partial<EvaluationRequest>;
  expected: EvaluationResult;
}

const regionLock: EvaluatedStatement = {
  Sid: 'RegionLock',
  Effect: 'Deny',
  NotAction: 'iam:*',
  Resource: '*',
  Condition: { StringNotEqualsIfExists: { 'aws:RequestedRegion': ['cn-north-1', 'cn-northwest-1'] } },
};
const grantToAlice: EvaluatedStatement = {
  Effect: 'Allow',
  Principal: { AWS: USER },
  Action: 's3:GetObject',
  Resource: 'arn:aws-cn:s3:::data-lake/*',
};
const narrowBoundary = policy('boundary', { Effect: 'Allow', Action: 'ec2:*', Resource: '*' });

const cases: Case[] = [
  {
    name: 'an SCP Deny names its file, Sid, index and level',
    policies: {
      scpChain: [{ level: 'r-ab12', policies: [policy('root.json', allowAll, regionLock)] }],
      identityPolicies: [policy('admin', allowAll)],
    },
    request: { context: { 'aws:RequestedRegion': 'us-east-1' } },
    expected: {
      decision: 'ExplicitDeny',
      deciding: { source: 'root.json', sid: 'RegionLock', index: 1, level: 'r-ab12' },
      deniedBy: 'scp',
    },
  },
  {
    name: 'a level without a matching Allow denies implicitly and is named',
    policies: {
      scpChain: [
        { level: 'r-ab12', policies: [policy('root.json', allowAll)] },
        {
          level: 'ou-ab12-11111111',
          policies: [policy('ou.json', { Effect: 'Allow', Action: 'ec2:*', Resource: '*' })],
        },
      ],
      identityPolicies: [policy('admin', allowAll)],
    },
    expected: {
      decision: 'ImplicitDeny',
      deciding: undefined,
      deniedBy: 'scp',
      scpLevel: 'ou-ab12-11111111',
    },
  },
  {
    name: 'an allowed request names the identity statement that granted it',
    policies: {
      scpChain: [],
      identityPolicies: [
        policy('reader', {
          Sid: 'Home',
          Effect: 'Allow',
          Action: 's3:Get*',
          Resource: `arn:aws-cn:s3:::data-lake/home/${policyVariable('aws:username')}/*`,
        }),
      ],
    },
    expected: { decision: 'Allowed', deciding: { source: 'reader', sid: 'Home', index: 0 } },
  },
  {
    name: 'a policy variable that does not resolve matches nothing',
    policies: {
      scpChain: [],
      identityPolicies: [
        policy('reader', {
          Effect: 'Allow',
          Action: 's3:Get*',
          Resource: `arn:aws-cn:s3:::data-lake/home/${policyVariable('aws:username')}/*`,
        }),
      ],
    },
    request: { context: {} },
    expected: { decision: 'ImplicitDeny', deciding: undefined, deniedBy: 'identity' },
  },
  {
    name: 'a boundary that does not allow the action denies an identity grant',
    policies: {
      scpChain: [],
      identityPolicies: [policy('admin', allowAll)],
      permissionsBoundary: narrowBoundary,
    },
    expected: { decision: 'ImplicitDeny', deciding: undefined, deniedBy: 'boundary' },
  },
  {
    name: "a same-account resource policy naming the user is not limited by the boundary's implicit deny",
    policies: {
      scpChain: [],
      identityPolicies: [],
      permissionsBoundary: narrowBoundary,
      resourcePolicy: policy('bucket-policy', grantToAlice),
    },
    expected: { decision: 'Allowed', deciding: { source: 'bucket-policy', index: 0 } },
  },
  {
    name: 'a resource policy naming only the role of a session is limited by the boundary',
    policies: {
      scpChain: [],
      identityPolicies: [],
      permissionsBoundary: narrowBoundary,
      resourcePolicy: policy('bucket-policy', {
        ...grantToAlice,
        Principal: { AWS: 'arn:aws-cn:iam::111122223333:role/App' },
      }),
    },
    request: { principalArn: SESSION },
    expected: { decision: 'ImplicitDeny', deciding: undefined, deniedBy: 'boundary' },
  },
  {
    name: 'cross-account access needs both the resource policy and an identity grant',
    policies: { scpChain: [], identityPolicies: [], resourcePolicy: policy('bucket-policy', grantToAlice) },
    request: { accountId: '444455556666' },
    expected: { decision: 'ImplicitDeny', deciding: undefined, deniedBy: 'resource' },
  },
];

describe('evaluateRequest explains its decision', () => {
  it.each(cases)('$name', ({ policies, request: overrides, expected }) => {
    expect(evaluateRequest(request(overrides), policies)).toEqual(expected);
  });

  it('does not modify the policies or the request it is given', () => {
    const policies: PolicySet = {
      scpChain: [{ level: 'r', policies: [policy('root.json', allowAll, regionLock)] }],
      identityPolicies: [policy('admin', allowAll)],
    };
    const input = request();
    const before = structuredClone({ policies, input });
    evaluateRequest(input, policies);
    expect({ policies, input }).toEqual(before);
  });
});
