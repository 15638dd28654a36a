import { describe, expect, it } from 'vitest';
import { compileBoundary } from '#policy/compile.ts';
import { defaultBoundaryParameters } from '#policy/parameters.ts';
import type { CompileOutcome, PolicyStatement } from '#policy/types.ts';
import { ACCOUNT_ID, allowAll, compiled, inputOf, PREFIX } from './compile-helpers.ts';

/** Statements the compiler made from policies: everything but Allow-all and protective denies. */
function policyStatements(outcome: CompileOutcome): PolicyStatement[] {
  return compiled(outcome).policy.Statement.filter(
    (statement) =>
      statement.Effect === 'Deny' &&
      !statement.Sid?.startsWith('ScpAltProtect') &&
      !statement.Sid?.match(/^ScpAlt(Keep|Only|Create)/),
  );
}

const account = `account-${ACCOUNT_ID}`;

describe('compileBoundary: shape of the boundary', () => {
  it('Given an allow-list at the OU, when compiled, then the boundary is Allow * plus Deny NotAction of the allowed actions', () => {
    const outcome = compileBoundary(
      inputOf({
        'r-ab12': {},
        'ou-ab12-11111111': {
          'ou-ab12-11111111.json': [{ Effect: 'Allow', Action: ['s3:*', 'ec2:Describe*'], Resource: '*' }],
        },
        [account]: {},
      }),
    );
    const { policy } = compiled(outcome);
    expect(policy.Statement[0]).toEqual({
      Sid: 'ScpAltAllowAll',
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
    });
    expect(policyStatements(outcome)).toEqual([
      {
        Sid: 'ScpAltAllowedByOuab1211111111',
        Effect: 'Deny',
        NotAction: ['ec2:Describe*', 's3:*'],
        Resource: '*',
      },
    ]);
  });

  it('Given allow-lists at two levels and denies at both, when compiled, then each level keeps its own complement and every deny is kept', () => {
    const outcome = compileBoundary(
      inputOf({
        'r-ab12': {
          'r-ab12.json': [
            { Effect: 'Allow', Action: ['s3:*', 'ec2:*'], Resource: '*' },
            { Sid: 'NoDelete', Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' },
          ],
        },
        [account]: {
          [`${account}.json`]: [
            { Effect: 'Allow', Action: 's3:*', Resource: '*' },
            {
              Effect: 'Deny',
              Action: 'ec2:RunInstances',
              Resource: '*',
              Condition: { StringNotEquals: { 'aws:RequestedRegion': 'cn-north-1' } },
            },
          ],
        },
      }),
    );
    expect(policyStatements(outcome)).toEqual([
      { Sid: 'ScpAltAllowedByRab12', Effect: 'Deny', NotAction: ['ec2:*', 's3:*'], Resource: '*' },
      { Sid: 'ScpAltAllowedByAccount111122223333', Effect: 'Deny', NotAction: 's3:*', Resource: '*' },
      { Sid: 'NoDelete', Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' },
      {
        Effect: 'Deny',
        Action: 'ec2:RunInstances',
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:RequestedRegion': 'cn-north-1' } },
      },
    ]);
    expect(compiled(outcome).sources).toEqual([`${PREFIX}r-ab12.json`, `${PREFIX}${account}.json`]);
  });

  it('Given the folder form with several files on one target, when compiled, then their allows are united and all denies kept', () => {
    const outcome = compileBoundary(
      inputOf({
        'ou-ab12-11111111': {
          'ou-ab12-11111111/b-ec2.json': [
            { Effect: 'Allow', Action: 'ec2:*', Resource: '*' },
            {
              Effect: 'Deny',
              Action: 'ec2:TerminateInstances',
              Resource: '*',
              Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
            },
          ],
          'ou-ab12-11111111/a-s3.json': [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
        },
      }),
    );
    expect(policyStatements(outcome)).toEqual([
      { Sid: 'ScpAltAllowedByOuab1211111111', Effect: 'Deny', NotAction: ['ec2:*', 's3:*'], Resource: '*' },
      {
        Effect: 'Deny',
        Action: 'ec2:TerminateInstances',
        Resource: '*',
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
      },
    ]);
    expect(compiled(outcome).sources).toEqual([
      `${PREFIX}ou-ab12-11111111/a-s3.json`,
      `${PREFIX}ou-ab12-11111111/b-ec2.json`,
    ]);
  });

  it('Given <ACCOUNT_ID> in a policy, when compiled, then the account id is substituted', () => {
    const outcome = compileBoundary(
      inputOf({
        [account]: {
          'x.json': [
            allowAll,
            {
              Effect: 'Deny',
              Action: '*',
              Resource: '*',
              Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:*:iam::<ACCOUNT_ID>:user/admin' } },
            },
          ],
        },
      }),
    );
    const text = JSON.stringify(compiled(outcome).policy);
    expect(text).toContain(`arn:*:iam::${ACCOUNT_ID}:user/admin`);
    expect(text).not.toContain('<ACCOUNT_ID>');
  });

  it('Given a level whose files hold only denies, when compiled, then that level denies everything (like native SCPs) and a warning says so', () => {
    const outcome = compileBoundary(
      inputOf({ 'r-ab12': { 'r-ab12.json': [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }] } }),
    );
    expect(policyStatements(outcome)[0]).toEqual({
      Sid: 'ScpAltAllowedByRab12',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
    });
    expect(compiled(outcome).warnings.map((warning) => warning.code)).toEqual([
      'compile.level.allows-nothing',
    ]);
  });

  it('Given an allow restricted by resource and an IfExists condition, when compiled, then it becomes exact Deny statements', () => {
    const outcome = compileBoundary(
      inputOf({
        'r-ab12': {
          'r-ab12.json': [
            { Effect: 'Allow', Action: 'ec2:*', Resource: '*' },
            {
              Effect: 'Allow',
              Action: 's3:Get*',
              Resource: 'arn:aws-cn:s3:::data/*',
              Condition: { StringEqualsIfExists: { 'aws:RequestedRegion': 'cn-north-1' } },
            },
          ],
        },
      }),
    );
    expect(policyStatements(outcome)).toEqual([
      { Sid: 'ScpAltAllowedByRab12', Effect: 'Deny', NotAction: ['ec2:*', 's3:Get*'], Resource: '*' },
      {
        Sid: 'ScpAltAllowedByRab12Part2',
        Effect: 'Deny',
        Action: 's3:Get*',
        NotResource: 'arn:aws-cn:s3:::data/*',
      },
      {
        Sid: 'ScpAltAllowedByRab12Part3',
        Effect: 'Deny',
        Action: 's3:Get*',
        Resource: '*',
        Condition: {
          StringNotEquals: { 'aws:RequestedRegion': 'cn-north-1' },
          Null: { 'aws:RequestedRegion': 'false' },
        },
      },
    ]);
  });

  it('Given the partition aws, when compiled, then no ARN names aws-cn and the events region comes from the partition', () => {
    const awsParams = defaultBoundaryParameters({ partition: 'aws', accountId: ACCOUNT_ID });
    const outcome = compileBoundary(inputOf({ [account]: { 'x.json': [allowAll] } }, { params: awsParams }));
    const text = JSON.stringify(compiled(outcome).policy);
    expect(text).not.toContain('aws-cn');
    expect(text).toContain(`arn:aws:events:us-east-1:${ACCOUNT_ID}:rule/scp-event-rule`);
  });
});

describe('compileBoundary: determinism and merging', () => {
  const levels = {
    'r-ab12': {
      'r-ab12/b.json': [{ Effect: 'Allow' as const, Action: ['s3:*', 'ec2:*'], Resource: '*' }],
      'r-ab12/a.json': [{ Effect: 'Allow' as const, Action: 'iam:*', Resource: '*' }],
    },
  };

  it('Given the same input twice, or its files listed in another order, when compiled, then the output is byte-identical', () => {
    const first = compileBoundary(inputOf(levels));
    const again = compileBoundary(inputOf(levels));
    const reordered = inputOf(levels);
    reordered.chain = reordered.chain.map((level) => ({ ...level, sources: [...level.sources].reverse() }));
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    expect(JSON.stringify(compileBoundary(reordered))).toBe(JSON.stringify(first));
  });

  it('Given Sid-less denies that differ only in actions, when compiled, then they become one statement with sorted actions', () => {
    const outcome = compileBoundary(
      inputOf({
        [account]: {
          'a.json': [allowAll, { Effect: 'Deny', Action: 's3:PutObject', Resource: '*' }],
          'b.json': [
            allowAll,
            { Effect: 'Deny', Action: ['s3:DeleteObject', 'ec2:RunInstances'], Resource: '*' },
          ],
        },
      }),
    );
    expect(policyStatements(outcome)).toEqual([
      { Effect: 'Deny', Action: ['ec2:RunInstances', 's3:DeleteObject', 's3:PutObject'], Resource: '*' },
    ]);
  });

  it('Given Sid-less denies that differ only in resources, when compiled, then they become one statement listing the resources', () => {
    const condition = { StringNotEquals: { 'aws:PrincipalTag/team': 'storage' } };
    const outcome = compileBoundary(
      inputOf({
        [account]: {
          'a.json': [
            allowAll,
            {
              Effect: 'Deny',
              Action: 's3:DeleteBucket',
              Resource: 'arn:aws-cn:s3:::b',
              Condition: condition,
            },
          ],
          'b.json': [
            allowAll,
            {
              Effect: 'Deny',
              Action: 's3:DeleteBucket',
              Resource: 'arn:aws-cn:s3:::a',
              Condition: condition,
            },
          ],
        },
      }),
    );
    expect(policyStatements(outcome)).toEqual([
      {
        Effect: 'Deny',
        Action: 's3:DeleteBucket',
        Resource: ['arn:aws-cn:s3:::a', 'arn:aws-cn:s3:::b'],
        Condition: condition,
      },
    ]);
  });

  it('Given the same deny in two files and at two levels, when compiled, then it appears once', () => {
    const deny = { Effect: 'Deny' as const, NotAction: ['iam:*', 'sts:*'], Resource: '*' };
    const outcome = compileBoundary(
      inputOf({
        'r-ab12': { 'r-ab12.json': [allowAll, deny] },
        [account]: { 'a.json': [allowAll, deny], 'b.json': [allowAll, deny] },
      }),
    );
    expect(policyStatements(outcome)).toEqual([deny]);
  });

  it('Given the same Sid in two files, when compiled, then the boundary still has unique Sids', () => {
    const outcome = compileBoundary(
      inputOf({
        [account]: {
          'a.json': [allowAll, { Sid: 'Deny1', Effect: 'Deny', Action: 's3:PutObject', Resource: '*' }],
          'b.json': [allowAll, { Sid: 'Deny1', Effect: 'Deny', Action: 'ec2:RunInstances', Resource: '*' }],
        },
      }),
    );
    const sids = compiled(outcome).policy.Statement.flatMap((statement) =>
      statement.Sid ? [statement.Sid] : [],
    );
    expect(new Set(sids).size).toBe(sids.length);
    expect(sids).toEqual(expect.arrayContaining(['Deny1', 'Deny1Dup2']));
  });
});
