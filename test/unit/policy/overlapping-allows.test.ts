/**
 * Allow-lists whose allows share actions under different Conditions or Resources: each has an
 * exact explicit-Deny form, checked against iam-simulate on a grid of actions, resources and
 * contexts (a key missing, matching, not matching), and the forms the README promises are asserted
 * on the statements themselves.
 */
import { describe, expect, it } from 'vitest';
import { compileBoundary } from '#policy/compile.ts';
import type { PolicyDocument, PolicyStatement } from '#policy/types.ts';
import { ACCOUNT_ID, compiled, inputOf } from './compile-helpers.ts';
import { compiledDecision, isAllowed, nativeDecision, type OracleRequest } from './oracle.ts';

const region = 'aws:RequestedRegion';
const team = 'aws:PrincipalTag/team';
const mfa = 'aws:MultiFactorAuthPresent';

const ACTIONS: [string, string[]][] = [
  ['s3:GetObject', ['arn:aws-cn:s3:::public/a', 'arn:aws-cn:s3:::data/a', 'arn:aws-cn:s3:::secret/a']],
  ['s3:PutObject', ['arn:aws-cn:s3:::data/a', 'arn:aws-cn:s3:::secret/a']],
  ['ec2:DescribeInstances', ['*']],
  ['iam:DeleteRole', [`arn:aws-cn:iam::${ACCOUNT_ID}:role/App`]],
  ['iam:GetRole', [`arn:aws-cn:iam::${ACCOUNT_ID}:role/App`]],
];
const CONTEXTS: Record<string, string>[] = [
  {},
  { [region]: 'cn-north-1', [team]: 'red', [mfa]: 'true' },
  { [region]: 'cn-northwest-1', [team]: 'blue', [mfa]: 'false' },
  { [region]: 'us-east-1', [team]: 'red' },
];
const GRID: OracleRequest[] = ACTIONS.flatMap(([action, resources]) =>
  resources.flatMap((resource) => CONTEXTS.map((context) => ({ action, resource, context }))),
);

function compileLevel(statements: PolicyStatement[]) {
  return compiled(compileBoundary(inputOf({ 'r-ab12': { 'r-ab12.json': statements } })));
}

/** The Deny statements compiled from the level (not the protective ones). */
function levelDenies(statements: PolicyStatement[]): PolicyStatement[] {
  const outcome = compileLevel(statements);
  return [outcome.policy, ...outcome.additionalPolicies.map((extra) => extra.policy)]
    .flatMap((policy) => policy.Statement)
    .filter(
      (statement) => statement.Effect === 'Deny' && JSON.stringify(statement).indexOf('ScpAltProtect') === -1,
    )
    .filter((statement) => !/^ScpAlt(Keep|Only|Create)/.test(statement.Sid ?? ''))
    .map(({ Sid: _sid, ...rest }) => rest);
}

async function expectNativeDecisions(statements: PolicyStatement[]): Promise<void> {
  const outcome = compileLevel(statements);
  const native: PolicyDocument = { Version: '2012-10-17', Statement: statements };
  const verdicts = { native: [] as boolean[], ours: [] as boolean[] };
  for (const request of GRID) {
    verdicts.native.push(isAllowed(await nativeDecision([[native]], request)));
    verdicts.ours.push(isAllowed(await compiledDecision(outcome, request)));
  }
  expect(verdicts.ours).toEqual(verdicts.native);
  expect(verdicts.native).toContain(true);
  expect(verdicts.native).toContain(false);
}

const CASES: [string, PolicyStatement[]][] = [
  [
    'the same actions under conditions on different keys',
    [
      {
        Effect: 'Allow',
        Action: 's3:*',
        Resource: '*',
        Condition: { StringEquals: { [region]: 'cn-north-1' } },
      },
      { Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringEquals: { [team]: 'red' } } },
    ],
  ],
  [
    'the same actions under one operator and key with different values',
    [
      {
        Effect: 'Allow',
        Action: 's3:*',
        Resource: '*',
        Condition: { StringEquals: { [region]: 'cn-north-1' } },
      },
      {
        Effect: 'Allow',
        Action: 's3:*',
        Resource: '*',
        Condition: { StringEquals: { [region]: 'cn-northwest-1' } },
      },
    ],
  ],
  [
    'a condition of two clauses beside another allow of the same actions',
    [
      {
        Effect: 'Allow',
        Action: ['s3:*', 'iam:*'],
        Resource: '*',
        Condition: { StringEquals: { [region]: 'cn-north-1' }, Bool: { [mfa]: 'true' } },
      },
      {
        Effect: 'Allow',
        Action: ['s3:*', 'iam:*'],
        Resource: '*',
        Condition: { StringEquals: { [team]: 'red' } },
      },
    ],
  ],
  [
    'the same actions on different resources under one condition',
    [
      {
        Effect: 'Allow',
        Action: 's3:*',
        Resource: 'arn:aws-cn:s3:::public/*',
        Condition: { StringEquals: { [team]: 'red' } },
      },
      {
        Effect: 'Allow',
        Action: 's3:*',
        Resource: 'arn:aws-cn:s3:::data/*',
        Condition: { StringEquals: { [team]: 'red' } },
      },
    ],
  ],
  [
    'a Resource allow and a NotResource allow of the same actions',
    [
      { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws-cn:s3:::public/*' },
      {
        Effect: 'Allow',
        Action: 's3:*',
        NotResource: 'arn:aws-cn:s3:::secret/*',
        Condition: { Bool: { [mfa]: 'true' } },
      },
    ],
  ],
  [
    'two NotResource allows of nested resources',
    [
      { Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws-cn:s3:::secret/*' },
      {
        Effect: 'Allow',
        Action: 's3:*',
        NotResource: 'arn:aws-cn:s3:::se*',
        Condition: { StringEquals: { [team]: 'red' } },
      },
    ],
  ],
  [
    'allows that share only some actions (s3:* under a condition, one s3 action on one resource)',
    [
      {
        Effect: 'Allow',
        Action: 's3:*',
        Resource: '*',
        Condition: { StringEquals: { [region]: 'cn-north-1' } },
      },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws-cn:s3:::public/*' },
      { Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' },
    ],
  ],
  [
    'three allows sharing actions pairwise under different conditions',
    [
      {
        Effect: 'Allow',
        Action: ['s3:Get*', 'iam:Get*'],
        Resource: '*',
        Condition: { StringEquals: { [team]: 'red' } },
      },
      {
        Effect: 'Allow',
        Action: ['s3:*'],
        Resource: 'arn:aws-cn:s3:::data/*',
        Condition: { Bool: { [mfa]: 'true' } },
      },
      {
        Effect: 'Allow',
        Action: ['iam:*', 's3:GetObject'],
        Resource: '*',
        Condition: { StringEquals: { [region]: 'cn-north-1' } },
      },
    ],
  ],
  [
    'a conditional allow of actions an unrestricted allow partly grants',
    [
      { Effect: 'Allow', Action: 's3:Get*', Resource: '*' },
      { Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringEquals: { [team]: 'red' } } },
    ],
  ],
  [
    'an unrestricted NotAction allow and a conditional allow of actions it excludes',
    [
      { Effect: 'Allow', NotAction: ['iam:*', 's3:PutObject'], Resource: '*' },
      { Effect: 'Allow', Action: 'iam:*', Resource: '*', Condition: { Bool: { [mfa]: 'true' } } },
      { Effect: 'Allow', Action: 'iam:*', Resource: '*', Condition: { StringEquals: { [team]: 'red' } } },
    ],
  ],
  [
    'two unrestricted NotAction allows (an action is denied only when both exclude it)',
    [
      { Effect: 'Allow', NotAction: ['iam:*', 's3:*'], Resource: '*' },
      { Effect: 'Allow', NotAction: ['iam:DeleteRole', 's3:PutObject', 'ec2:*'], Resource: '*' },
    ],
  ],
];

describe('overlapping allows: exact explicit-Deny forms, checked against iam-simulate', () => {
  it.each(CASES)(
    'Given %s, when compiled, then every request of the grid is decided as natively',
    async (_name, statements) => {
      await expectNativeDecisions(statements);
    },
  );
});

describe('overlapping allows: the forms themselves', () => {
  it('Given Allow A if C1 and Allow A if C2 on different keys, when compiled, then one Deny A if not C1 and not C2', () => {
    const denies = levelDenies(CASES[0]?.[1] ?? []);
    expect(denies).toContainEqual({
      Effect: 'Deny',
      Action: 's3:*',
      Resource: '*',
      Condition: { StringNotEquals: { [region]: 'cn-north-1', [team]: 'red' } },
    });
    expect(denies.filter((statement) => statement.Action === 's3:*')).toHaveLength(1);
  });

  it('Given the same operator and key with different values, when compiled, then the values merge into one Deny', () => {
    expect(levelDenies(CASES[1]?.[1] ?? [])).toContainEqual({
      Effect: 'Deny',
      Action: 's3:*',
      Resource: '*',
      Condition: { StringNotEquals: { [region]: ['cn-north-1', 'cn-northwest-1'] } },
    });
  });

  it('Given a condition of two clauses beside another allow, when compiled, then it distributes into one Deny per clause', () => {
    const classDenies = levelDenies(CASES[2]?.[1] ?? []).filter(
      (statement) => statement.Condition !== undefined,
    );
    expect(classDenies).toEqual([
      {
        Effect: 'Deny',
        Action: ['iam:*', 's3:*'],
        Resource: '*',
        Condition: { StringNotEquals: { [region]: 'cn-north-1', [team]: 'red' } },
      },
      {
        Effect: 'Deny',
        Action: ['iam:*', 's3:*'],
        Resource: '*',
        Condition: { Bool: { [mfa]: 'false' }, StringNotEquals: { [team]: 'red' } },
      },
      {
        Effect: 'Deny',
        Action: ['iam:*', 's3:*'],
        Resource: '*',
        Condition: { Null: { [mfa]: 'true' }, StringNotEquals: { [team]: 'red' } },
      },
    ]);
  });

  it('Given allows of the same actions on different resources under one condition, when compiled, then one NotResource Deny and one condition Deny', () => {
    expect(levelDenies(CASES[3]?.[1] ?? []).filter((statement) => statement.Action === 's3:*')).toEqual([
      { Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws-cn:s3:::data/*', 'arn:aws-cn:s3:::public/*'] },
      { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { StringNotEquals: { [team]: 'red' } } },
    ]);
  });

  it('Given an unrestricted NotAction allow and conditional allows of an action it excludes, when compiled, then the excluded actions no allow names are denied outright and the others unless a condition holds', () => {
    expect(levelDenies(CASES[9]?.[1] ?? [])).toEqual([
      {
        Effect: 'Deny',
        Action: 'iam:*',
        Resource: '*',
        Condition: { Bool: { [mfa]: 'false' }, StringNotEquals: { [team]: 'red' } },
      },
      {
        Effect: 'Deny',
        Action: 'iam:*',
        Resource: '*',
        Condition: { Null: { [mfa]: 'true' }, StringNotEquals: { [team]: 'red' } },
      },
      { Effect: 'Deny', Action: 's3:PutObject', Resource: '*' },
    ]);
  });
});
