import { describe, expect, it } from 'vitest';
import { diffStatements, isEmptyDiff } from '#cli/operator/statement-diff.ts';
import { statementHeader, statementLines } from '#cli/operator/statement-text.ts';
import type { PolicyDocument, PolicyStatement } from '#policy/index.ts';

const doc = (...statements: PolicyStatement[]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: statements,
});
const allowAll: PolicyStatement = { Sid: 'ScpAltAllowAll', Effect: 'Allow', Action: '*', Resource: '*' };
const denyS3: PolicyStatement = { Sid: 'DenyS3', Effect: 'Deny', Action: 's3:*', Resource: '*' };

describe('diffStatements', () => {
  it('Given the same statements in another key order, then there is no change', () => {
    const reordered = { Resource: '*', Action: 's3:*', Effect: 'Deny', Sid: 'DenyS3' } as PolicyStatement;
    expect(isEmptyDiff(diffStatements(doc(allowAll, denyS3), doc(allowAll, reordered)))).toBe(true);
  });

  it('Given no deployed boundary, then every planned statement is added', () => {
    expect(diffStatements(undefined, doc(allowAll, denyS3))).toEqual({
      added: [allowAll, denyS3],
      removed: [],
      changed: [],
      unchanged: 0,
    });
  });

  it('Given a statement whose content changed under the same Sid, then it is one change, not an add and a remove', () => {
    const widened = { ...denyS3, Action: ['s3:*', 'ec2:*'] };
    const diff = diffStatements(doc(allowAll, denyS3), doc(allowAll, widened));
    expect(diff).toEqual({
      added: [],
      removed: [],
      changed: [{ sid: 'DenyS3', before: denyS3, after: widened }],
      unchanged: 1,
    });
  });

  it('Given a statement with a condition, when shown, then every action, resource and condition value is written out and wrapped', () => {
    const many: PolicyStatement = {
      Sid: 'DenyOutsideChina',
      Effect: 'Deny',
      NotAction: ['iam:*', 'organizations:*', 'route53:*', 'support:*', 'budgets:*', 'ce:*'],
      Resource: '*',
      Condition: {
        StringNotEquals: { 'aws:RequestedRegion': ['cn-north-1', 'cn-northwest-1'] },
        ArnNotLike: { 'aws:PrincipalArn': 'arn:aws-cn:iam::*:role/OrganizationAccountAccessRole' },
      },
    };
    expect(statementHeader(many)).toBe('Deny (DenyOutsideChina)');
    expect(statementLines(many, 50)).toEqual([
      'NotAction   iam:*, organizations:*, route53:*,',
      '            support:*, budgets:*, ce:*',
      'Resource    *',
      'Condition   StringNotEquals aws:RequestedRegion = cn-north-1,',
      '            cn-northwest-1',
      'Condition   ArnNotLike aws:PrincipalArn = arn:aws-cn:iam::*:role/OrganizationAccountAccessRole',
    ]);
    expect(statementLines(many, 200).join('\n')).not.toContain('…');
  });
});
