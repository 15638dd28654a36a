import { describe, expect, it } from 'vitest';
import { globsOverlap, matchesGlob, sortedActions } from '#policy/action-pattern.ts';

describe('globsOverlap', () => {
  it.each([
    ['s3:Get*', 's3:GetObject', true],
    ['s3:Get*', 's3:*Object', true],
    ['s3:Get*', 's3:Put*', false],
    ['S3:GET*', 's3:getobject', true],
    ['ec2:*', 's3:*', false],
    ['*', 'sqs:SendMessage', true],
    ['s3:Get?bject', 's3:G*s', false],
    ['s3:?etObject', 's3:G*', true],
    ['iam:*Role*', 'iam:PassRole', true],
    ['iam:*Role', 'iam:*User', false],
  ])('Given %s and %s, when compared, then overlap is %s', (a, b, expected) => {
    expect(globsOverlap(a, b)).toBe(expected);
    expect(globsOverlap(b, a)).toBe(expected);
  });
});

describe('matchesGlob and sortedActions', () => {
  it('Given IAM action patterns, when matched, then case does not matter and regex characters are literal', () => {
    expect(matchesGlob('s3:get*', 'S3:GetObject')).toBe(true);
    expect(matchesGlob('a.b', 'axb')).toBe(false);
  });

  it('Given a name inside an ARN, when matched case-sensitively, then only the exact case matches, as IAM compares names', () => {
    expect(matchesGlob('StackSet-Exec-*', 'StackSet-Exec-prod', { caseSensitive: true })).toBe(true);
    expect(matchesGlob('StackSet-Exec-*', 'STACKSET-EXEC-prod', { caseSensitive: true })).toBe(false);
    expect(matchesGlob('role?', 'role1\n', { caseSensitive: true })).toBe(false);
  });

  it('Given actions in any order and case, when sorted, then the list is stable and without case duplicates', () => {
    expect(sortedActions(['s3:PutObject', 'ec2:*', 'S3:putobject', 's3:GetObject'])).toEqual([
      'ec2:*',
      's3:GetObject',
      'S3:putobject',
    ]);
  });
});
