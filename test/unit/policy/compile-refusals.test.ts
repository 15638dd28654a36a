import { describe, expect, it } from 'vitest';
import { compileBoundary } from '#policy/compile.ts';
import { ACCOUNT_ID, allowAll, compiled, failed, inputOf, PREFIX } from './compile-helpers.ts';

const account = `account-${ACCOUNT_ID}`;

describe('compileBoundary: refusals', () => {
  it('Given two allows of the same actions whose conditions would need two patterns of one positive operator, when compiled, then compile.allow.inexpressible names file and statement', () => {
    // Deny s3:* unless region not like a or not like b = Deny if region like a and like b: one
    // Condition block cannot hold StringLike on one key twice.
    const errors = failed(
      compileBoundary(
        inputOf({
          'ou-ab12-11111111': {
            'ou-ab12-11111111.json': [
              {
                Effect: 'Allow',
                Action: 's3:*',
                Resource: '*',
                Condition: { StringNotLike: { 'aws:RequestedRegion': 'cn-*' } },
              },
              {
                Effect: 'Allow',
                Action: 's3:*',
                Resource: '*',
                Condition: { StringNotLike: { 'aws:RequestedRegion': '*-north*' } },
              },
            ],
          },
        }),
      ),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      code: 'compile.allow.inexpressible',
      file: `${PREFIX}ou-ab12-11111111.json`,
      path: 'Statement[0]',
    });
    expect(errors[0]?.message).toContain(`${PREFIX}ou-ab12-11111111.json Statement[0]`);
    expect(errors[0]?.message).toContain('StringLike on aws:RequestedRegion');
  });

  it('Given two NotResource allows of the same actions with overlapping, different resources, when compiled, then it is refused', () => {
    const errors = failed(
      compileBoundary(
        inputOf({
          'r-ab12': {
            'r-ab12.json': [
              // Both match secret-archive; neither contains the other.
              { Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws-cn:s3:::secret-*' },
              { Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws-cn:s3:::*-archive' },
            ],
          },
        }),
      ),
    );
    expect(errors.map((error) => `${error.code} ${error.path}`)).toEqual([
      'compile.allow.inexpressible Statement[0]',
    ]);
    expect(errors[0]?.message).toContain('overlap without one containing the other');
  });

  it('Given many overlapping allows with different conditions, when the exact form would need too many Denies, then it is refused naming the first', () => {
    const teams = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const allows = teams.map((team) => ({
      Effect: 'Allow' as const,
      Action: 's3:*',
      Resource: `arn:aws-cn:s3:::${team}/*`,
      Condition: {
        NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' },
        StringEquals: { 'aws:PrincipalTag/team': team },
      },
    }));
    const errors = failed(compileBoundary(inputOf({ 'r-ab12': { 'r-ab12.json': allows } })));
    expect(errors.map((error) => `${error.code} ${error.path}`)).toEqual([
      'compile.allow.inexpressible Statement[0]',
    ]);
    expect(errors[0]?.message).toContain('more than 64 Deny statements');
  });

  it('Given an allow conditioned by BinaryEquals, when compiled, then it is refused (no negated operator exists)', () => {
    const errors = failed(
      compileBoundary(
        inputOf({
          'r-ab12': {
            'r-ab12.json': [
              {
                Effect: 'Allow',
                Action: '*',
                Resource: '*',
                Condition: { BinaryEquals: { 'aws:TokenIssueTime': 'QQ==' } },
              },
            ],
          },
        }),
      ),
    );
    expect(errors.map((error) => `${error.code} ${error.path}`)).toEqual([
      'compile.allow.inexpressible Statement[0]',
    ]);
  });

  it('Given a NotAction allow excluding actions another allow grants in part only, when compiled, then it is refused (no statement says "iam:* except iam:Get*")', () => {
    const errors = failed(
      compileBoundary(
        inputOf({
          'r-ab12': {
            'r-ab12.json': [
              { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
              { Effect: 'Allow', Action: 'iam:Get*', Resource: '*' },
            ],
          },
        }),
      ),
    );
    expect(errors.map((error) => error.code)).toEqual(['compile.allow.inexpressible']);
    expect(errors[0]?.message).toContain('its NotAction entry iam:* overlaps actions another allow');
  });

  it.each([
    [
      'a NotAction allow restricted by a Condition beside another restricted allow',
      [
        {
          Effect: 'Allow',
          NotAction: 'iam:*',
          Resource: '*',
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        },
        { Effect: 'Allow', Action: 'iam:GetRole', Resource: 'arn:aws-cn:iam::*:role/App' },
      ],
      'must be the only restricted allow of its level',
    ],
    [
      'a NotAction entry that a conditional allow covers in part only',
      [
        { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
        {
          Effect: 'Allow',
          Action: 'iam:Get*',
          Resource: '*',
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        },
      ],
      'its NotAction entry iam:* overlaps the actions of',
    ],
    [
      'two NotAction allows whose entries overlap without one containing the other',
      [
        { Effect: 'Allow', NotAction: 'iam:Get*', Resource: '*' },
        { Effect: 'Allow', NotAction: 'iam:*Role', Resource: '*' },
      ],
      'overlap without one entry containing the other',
    ],
  ] as const)(
    'Given %s, when compiled, then it is refused naming the statement and why',
    (_name, statements, reason) => {
      const errors = failed(compileBoundary(inputOf({ 'r-ab12': { 'r-ab12.json': [...statements] } })));
      expect(errors.map((error) => `${error.code} ${error.file} ${error.path}`)).toEqual([
        `compile.allow.inexpressible ${PREFIX}r-ab12.json Statement[0]`,
      ]);
      expect(errors[0]?.message).toContain(reason);
    },
  );

  it('Given malformed JSON, when compiled, then policy.json.malformed names the file', () => {
    const input = inputOf({ 'r-ab12': {} });
    input.chain = [
      { target: 'r-ab12', sources: [{ key: `${PREFIX}r-ab12.json`, body: '{"Version": "2012-10-17", ' }] },
    ];
    const errors = failed(compileBoundary(input));
    expect(errors[0]).toMatchObject({ code: 'policy.json.malformed', file: `${PREFIX}r-ab12.json` });
    expect(errors[0]?.message).toContain(`${PREFIX}r-ab12.json`);
  });

  it('Given an unknown action, when compiled, then the error names it; with allowUnknownActions it is a warning', () => {
    const input = inputOf({
      [account]: { 'x.json': [allowAll, { Effect: 'Deny', Action: 's3:DeleteEverything', Resource: '*' }] },
    });
    const errors = failed(compileBoundary(input));
    expect(errors[0]).toMatchObject({
      code: 'policy.statement.action.unknown',
      file: `${PREFIX}x.json`,
      path: 'Statement[1].Action',
    });
    expect(errors[0]?.message).toContain('s3:DeleteEverything');
    const lenient = compiled(compileBoundary({ ...input, allowUnknownActions: true }));
    expect(lenient.warnings.map((warning) => warning.code)).toEqual(['policy.statement.action.unknown']);
  });

  it('Given no file at any level, when compiled, then chain.policy.missing', () => {
    const errors = failed(compileBoundary(inputOf({ 'r-ab12': {}, [account]: {} })));
    expect(errors.map((error) => error.code)).toEqual(['chain.policy.missing']);
  });
});
