/**
 * Exact size reductions of the compiler, each checked against iam-simulate on requests it could
 * change: statements only the root user can match are left out; entries no catalog action matches
 * are left out where that can only deny more, kept where leaving them out would deny less.
 */
import { describe, expect, it } from 'vitest';
import { compileBoundary } from '#policy/compile.ts';
import type { PolicyDocument, PolicyStatement } from '#policy/types.ts';
import { ACCOUNT_ID, allowAll, compiled, failed, inputOf } from './compile-helpers.ts';
import { compiledDecision, isAllowed, nativeDecision, type OracleRequest } from './oracle.ts';

const ROOT = 'r-ab12';

function compileRoot(statements: PolicyStatement[], allowUnknownActions = false) {
  return compileBoundary(inputOf({ [ROOT]: { 'r-ab12.json': statements } }, { allowUnknownActions }));
}

/** Statements the compiler made from the file: all but Allow * and the protective denies. */
function fromFile(statements: PolicyStatement[]): PolicyStatement[] {
  return statements.filter(
    (statement) => !statement.Sid?.startsWith('ScpAlt') || statement.Sid.startsWith('ScpAltAllowedBy'),
  );
}

async function decidesLikeNative(statements: PolicyStatement[], requests: OracleRequest[]): Promise<void> {
  const outcome = compiled(compileRoot(statements));
  const native: PolicyDocument = { Version: '2012-10-17', Statement: statements };
  for (const request of requests) {
    const expected = isAllowed(await nativeDecision([[native]], request));
    expect(isAllowed(await compiledDecision(outcome, request)), JSON.stringify(request)).toBe(expected);
  }
}

const alice = `arn:aws-cn:iam::${ACCOUNT_ID}:user/alice`;
const requestOf = (action: string, resource = '*', context: Record<string, string> = {}): OracleRequest => ({
  action,
  resource,
  principal: alice,
  context: { 'aws:PrincipalArn': alice, ...context },
});

describe('statements only the root user can match', () => {
  it.each([
    ['StringLike', 'arn:*:iam::*:root'],
    ['ArnLike', 'arn:aws-cn:iam::*:root'],
    ['ArnEquals', `arn:aws-cn:iam::${ACCOUNT_ID}:root`],
    ['StringEquals', `arn:aws-cn:iam::${ACCOUNT_ID}:root`],
  ])(
    'Given a Deny conditioned on %s aws:PrincipalArn %s, when compiled, then it is left out with a warning that boundaries never apply to the root user',
    async (operator, value) => {
      const denyRoot: PolicyStatement = {
        Sid: 'DenyRoot',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { [operator]: { 'aws:PrincipalArn': value } },
      };
      const outcome = compiled(compileRoot([allowAll, denyRoot]));
      expect(fromFile(outcome.policy.Statement)).toEqual([]);
      const [warning] = outcome.warnings;
      expect(warning).toMatchObject({ code: 'compile.statement.root-only', path: 'Statement[1]' });
      expect(warning?.message).toContain('permissions boundaries never apply to the root user');
      await decidesLikeNative([allowAll, denyRoot], [requestOf('s3:ListAllMyBuckets')]);
    },
  );

  it('Given an allow only the root user can match, when compiled, then the level allows nothing to everyone else, as natively', async () => {
    const allowRoot: PolicyStatement = {
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws-cn:iam::*:root' } },
    };
    const outcome = compiled(compileRoot([allowRoot]));
    expect(fromFile(outcome.policy.Statement)).toEqual([
      { Sid: 'ScpAltAllowedByRab12', Effect: 'Deny', Action: '*', Resource: '*' },
    ]);
    await decidesLikeNative([allowRoot], [requestOf('s3:ListAllMyBuckets')]);
  });

  it.each([
    ['a wildcard before root', { StringLike: { 'aws:PrincipalArn': 'arn:aws-cn:iam::*:*root' } }],
    ['a user named root', { StringLike: { 'aws:PrincipalArn': 'arn:aws-cn:iam::*:user/root' } }],
    ['IfExists', { StringLikeIfExists: { 'aws:PrincipalArn': 'arn:aws-cn:iam::*:root' } }],
    ['a negated operator', { StringNotLike: { 'aws:PrincipalArn': 'arn:aws-cn:iam::*:root' } }],
    [
      'one value of two',
      { StringLike: { 'aws:PrincipalArn': ['arn:aws-cn:iam::*:root', 'arn:aws-cn:iam::*:user/x'] } },
    ],
  ])(
    'Given a Deny whose aws:PrincipalArn condition has %s, when compiled, then it is kept',
    (_name, condition) => {
      const deny: PolicyStatement = {
        Effect: 'Deny',
        Action: 's3:PutObject',
        Resource: '*',
        Condition: condition,
      };
      const outcome = compiled(compileRoot([allowAll, deny]));
      expect(fromFile(outcome.policy.Statement)).toEqual([deny]);
      expect(outcome.warnings).toEqual([]);
    },
  );
});

describe('action entries no catalog action matches', () => {
  const s3Requests = [
    requestOf('s3:GetObject', 'arn:aws-cn:s3:::data/a'),
    requestOf('ec2:DescribeInstances'),
  ];
  const inChina = { 'aws:RequestedRegion': 'cn-north-1' };
  const abroad = { 'aws:RequestedRegion': 'us-east-1' };

  it('Given an allow-list with a retired prefix, when compiled, then the entry is left out (denies more, never less) with a warning', async () => {
    const allow: PolicyStatement = {
      Effect: 'Allow',
      Action: ['s3:*', 'macie:*', 'elastic-inference:*'],
      Resource: '*',
    };
    const outcome = compiled(compileRoot([allow]));
    expect(fromFile(outcome.policy.Statement)).toEqual([
      { Sid: 'ScpAltAllowedByRab12', Effect: 'Deny', NotAction: 's3:*', Resource: '*' },
    ]);
    expect(outcome.warnings.map((warning) => warning.code)).toEqual([
      'policy.statement.action.service-unknown',
      'policy.statement.action.service-unknown',
      'compile.action.unmatched-dropped',
    ]);
    await decidesLikeNative([allow], s3Requests);
  });

  it('Given an allow whose every entry matches nothing, when compiled, then it grants nothing and is left out', async () => {
    const allow: PolicyStatement = {
      Effect: 'Allow',
      Action: ['macie:*', 's3:Delete*PublicAccessBlock'],
      Resource: '*',
    };
    const outcome = compiled(compileRoot([allow]));
    expect(fromFile(outcome.policy.Statement)).toEqual([
      { Sid: 'ScpAltAllowedByRab12', Effect: 'Deny', Action: '*', Resource: '*' },
    ]);
    expect(outcome.warnings.map((warning) => warning.code)).toContain('compile.allow.grants-nothing');
    await decidesLikeNative([allow], s3Requests);
  });

  it('Given a Deny NotAction exception list with retired prefixes, when compiled, then they are left out (fewer exceptions deny more)', async () => {
    const deny: PolicyStatement = {
      Effect: 'Deny',
      NotAction: ['iam:*', 'awsbillingconsole:*', 'sts:*'],
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': 'cn-north-1' } },
    };
    const outcome = compiled(compileRoot([allowAll, deny]));
    expect(fromFile(outcome.policy.Statement)).toEqual([{ ...deny, NotAction: ['iam:*', 'sts:*'] }]);
    await decidesLikeNative(
      [allowAll, deny],
      [
        requestOf('iam:ListRoles', '*', abroad),
        requestOf('s3:ListAllMyBuckets', '*', abroad),
        requestOf('s3:ListAllMyBuckets', '*', inChina),
      ],
    );
  });

  it('Given a Deny NotAction whose every exception matches nothing, when compiled, then it denies every action under its condition', async () => {
    const deny: PolicyStatement = {
      Effect: 'Deny',
      NotAction: ['awsbillingconsole:*', 'elastic-inference:*'],
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': 'cn-north-1' } },
    };
    const outcome = compiled(compileRoot([allowAll, deny]));
    const { NotAction: _dropped, ...rest } = deny;
    expect(fromFile(outcome.policy.Statement)).toEqual([{ ...rest, Action: '*' }]);
    expect(outcome.warnings.map((warning) => warning.code)).toContain('compile.deny.excepts-nothing');
    await decidesLikeNative(
      [allowAll, deny],
      [requestOf('iam:ListRoles', '*', abroad), requestOf('iam:ListRoles', '*', inChina)],
    );
  });

  it('Given a Deny Action list or an Allow NotAction list with entries matching nothing, when compiled, then they are kept: leaving them out would deny less for a service newer than the catalog', () => {
    const deny: PolicyStatement = {
      Effect: 'Deny',
      Action: ['macie:*', 's3:Delete*PublicAccessBlock'],
      Resource: '*',
    };
    expect(fromFile(compiled(compileRoot([allowAll, deny])).policy.Statement)).toEqual([deny]);
    const allowAllBut: PolicyStatement = { Effect: 'Allow', NotAction: ['macie:*', 'iam:*'], Resource: '*' };
    expect(fromFile(compiled(compileRoot([allowAllBut])).policy.Statement)).toEqual([
      { Sid: 'ScpAltAllowedByRab12', Effect: 'Deny', Action: ['iam:*', 'macie:*'], Resource: '*' },
    ]);
  });

  it('Given a literal name unknown in a known service, when compiled, then it is an error (a typo); with allowUnknownActions it is treated like any entry matching nothing', () => {
    const allow: PolicyStatement = {
      Effect: 'Allow',
      Action: ['s3:GetObjekt', 's3:GetObject'],
      Resource: '*',
    };
    expect(failed(compileRoot([allow])).map((error) => `${error.code} ${error.path}`)).toEqual([
      'policy.statement.action.unknown Statement[0].Action[0]',
    ]);
    const lenient = compiled(compileRoot([allow], true));
    expect(fromFile(lenient.policy.Statement)).toEqual([
      { Sid: 'ScpAltAllowedByRab12', Effect: 'Deny', NotAction: 's3:GetObject', Resource: '*' },
    ]);
  });
});
