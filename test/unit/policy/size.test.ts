import { describe, expect, it } from 'vitest';
import { defaultActionCatalog } from '#policy/action-catalog.ts';
import { matchingNames } from '#policy/catalog-index.ts';
import { compileBoundary } from '#policy/compile.ts';
import { canonicalJson, policyHash } from '#policy/hash.ts';
import { policySize } from '#policy/size.ts';
import type { PolicyDocument, PolicyStatement } from '#policy/types.ts';
import { ACCOUNT_ID, allowAll, inputOf, PREFIX } from './compile-helpers.ts';

describe('policySize', () => {
  it('Given indented policy text, when measured, then whitespace outside strings does not count', () => {
    const compact = '{"Version":"2012-10-17","Statement":[]}';
    const pretty = '{\n  "Version" : "2012-10-17",\n\t"Statement": [ ]\n}\n';
    expect(policySize(pretty)).toBe(compact.length);
  });

  it('Given spaces inside a string, when measured, then they count', () => {
    expect(policySize('{ "Sid" : "a b  c" }')).toBe('{"Sid":"a b  c"}'.length);
  });

  it('Given an escaped quote inside a string, when measured, then the string does not end early', () => {
    expect(policySize('{ "a" : "x\\" y" }')).toBe('{"a":"x\\" y"}'.length);
  });

  it('Given a document, when measured, then it is the length of its compact JSON', () => {
    const document: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }],
    };
    expect(policySize(document)).toBe(JSON.stringify(document).length);
  });
});

describe('policyHash', () => {
  it('Given two documents differing only in key order, when hashed, then the hashes are equal', () => {
    const a: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }],
    };
    const b = JSON.parse(
      '{"Statement":[{"Resource":"*","Action":"s3:*","Effect":"Deny"}],"Version":"2012-10-17"}',
    ) as PolicyDocument;
    expect(policyHash(a)).toBe(policyHash(b));
    expect(policyHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it('Given documents with different statements, when hashed, then the hashes differ', () => {
    const a: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }],
    };
    const b: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Action: 'ec2:*', Resource: '*' }],
    };
    expect(policyHash(a)).not.toBe(policyHash(b));
  });
});

const s3Actions = defaultActionCatalog()
  .actionsOf('s3')
  .map((name) => `s3:${name}`)
  .sort();

/** The catalog actions a list of patterns matches, as 'service:Name'. */
function catalogActionsOf(patterns: string[]): string[] {
  return patterns.flatMap((pattern) => {
    const [service = '', name = ''] = pattern.split(':');
    return matchingNames(defaultActionCatalog(), service, name).map((match) => `${service}:${match}`);
  });
}

describe('compileBoundary size limit', () => {
  it('Given a compiled boundary, when compiled, then the reported size is what IAM counts and the hash matches', () => {
    const outcome = compileBoundary(inputOf({ [`account-${ACCOUNT_ID}`]: { 'a.json': [allowAll] } }));
    if (!outcome.ok) throw new Error('expected success');
    expect(outcome.size).toBe(policySize(JSON.stringify(outcome.policy, null, 4)));
    expect(outcome.hash).toBe(policyHash(outcome.policy));
  });

  it('Given many Sid-tagged denies differing only in actions, when too big with Sids, then Sids are dropped and they merge to fit', () => {
    const denies: PolicyStatement[] = s3Actions.slice(0, 60).map((action, index) => ({
      Sid: `RatherLongDescriptiveStatementIdentifierNumber${index}`,
      Effect: 'Deny',
      Action: action,
      Resource: '*',
    }));
    const outcome = compileBoundary(
      inputOf({ [`account-${ACCOUNT_ID}`]: { 'a.json': [allowAll, ...denies] } }),
    );
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
    expect(outcome.size).toBeLessThanOrEqual(6144);
    expect(outcome.policy.Statement.every((statement) => statement.Sid === undefined)).toBe(true);
    // One Deny now holds the 60 actions, its list compressed to wildcards that match exactly them.
    const listed = s3Actions.slice(0, 60);
    const denied = outcome.policy.Statement.filter(
      (statement) => statement.Effect === 'Deny' && !statement.Condition && statement.Action !== undefined,
    ).flatMap((statement) => catalogActionsOf([statement.Action ?? []].flat()));
    expect([...new Set(denied)].sort()).toEqual(listed);
  });

  it('Given a small boundary, when compiled, then Sids are kept', () => {
    const outcome = compileBoundary(
      inputOf({
        [`account-${ACCOUNT_ID}`]: {
          'a.json': [allowAll, { Sid: 'KeepMe', Effect: 'Deny', Action: 's3:PutObject', Resource: '*' }],
        },
      }),
    );
    if (!outcome.ok) throw new Error('expected success');
    expect(outcome.policy.Statement.map((statement) => statement.Sid)).toContain('KeepMe');
  });

  it('Given files too big together and no additional policy allowed, when compiled, then compile.size.exceeded names 6,144 and the largest files with their sizes', () => {
    const denyPerBucket = (prefix: string, count: number): PolicyStatement[] =>
      Array.from({ length: count }, (_, index) => ({
        Effect: 'Deny',
        Action: 's3:PutObject',
        Resource: `arn:aws-cn:s3:::${prefix}-bucket-with-a-long-name-${index}/*`,
      }));
    const outcome = compileBoundary(
      inputOf(
        {
          'r-ab12': { 'r-ab12.json': [allowAll, ...denyPerBucket('root', 20)] },
          [`account-${ACCOUNT_ID}`]: { 'big.json': [allowAll, ...denyPerBucket('account', 120)] },
        },
        { maxAdditionalPolicies: 0 },
      ),
    );
    if (outcome.ok) throw new Error('expected an error');
    const [error] = outcome.errors;
    expect(error?.code).toBe('compile.size.exceeded');
    expect(error?.message).toContain('6,144');
    expect(error?.message).toMatch(
      new RegExp(`${PREFIX}big\\.json \\(\\d+ characters\\), ${PREFIX}r-ab12\\.json \\(\\d+ characters\\)`),
    );
    expect(error?.file).toBe(`${PREFIX}big.json`);
  });
});
