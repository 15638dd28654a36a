import { describe, expect, it } from 'vitest';
import { resolveChain, substituteAccountId, targetOfKey } from '#policy/resolve-chain.ts';
import type { ChainLevel } from '#policy/types.ts';
import cases from './fixtures/chain-cases.json' with { type: 'json' };

interface ChainCase {
  name: string;
  keys: string[];
  ouPath: string[];
  expectLevels?: ChainLevel[];
  expectError?: { code: string; messageContains: string[] };
}

describe('resolveChain (fixture table)', () => {
  it.each(cases as ChainCase[])('$name', (testCase) => {
    const resolution = resolveChain(testCase.keys, { accountId: '111122223333', ouPath: testCase.ouPath });
    if (testCase.expectLevels) {
      expect(resolution).toEqual({ ok: true, levels: testCase.expectLevels });
      return;
    }
    expect(resolution.ok).toBe(false);
    if (resolution.ok || !testCase.expectError) return;
    expect(resolution.error.code).toBe(testCase.expectError.code);
    for (const part of testCase.expectError.messageContains) expect(resolution.error.message).toContain(part);
  });

  it('Given a listing, when resolved, then the listing itself is left as it was', () => {
    const keys = ['permission-boundary-policy/r-ab12/b.json', 'permission-boundary-policy/r-ab12/a.json'];
    const before = [...keys];
    resolveChain(keys, { accountId: '111122223333', ouPath: ['r-ab12'] });
    expect(keys).toEqual(before);
  });
});

describe('targetOfKey', () => {
  it.each([
    ['permission-boundary-policy/account-111122223333.json', 'account-111122223333'],
    ['permission-boundary-policy/ou-ab12-11111111.json', 'ou-ab12-11111111'],
    ['permission-boundary-policy/r-ab12.json', 'r-ab12'],
    ['permission-boundary-policy/ou-ab12-11111111/deny-s3.json', 'ou-ab12-11111111'],
    ['permission-boundary-policy/r-ab12/x/y.json', undefined],
    ['permission-boundary-policy/notes.json', undefined],
    ['permission-boundary-policy/account-1234.json', undefined],
    ['elsewhere/r-ab12.json', undefined],
    ['permission-boundary-policy/r-ab12.txt', undefined],
  ])('Given key %s, when asked for its target, then it is %s', (key, target) => {
    expect(targetOfKey(key)).toBe(target);
  });
});

describe('substituteAccountId', () => {
  it('Given a body with several <ACCOUNT_ID> placeholders, when substituted, then every one is the account id', () => {
    const body = '{"a":"arn:aws-cn:iam::<ACCOUNT_ID>:user/x","b":"<ACCOUNT_ID>"}';
    expect(substituteAccountId(body, '111122223333')).toBe(
      '{"a":"arn:aws-cn:iam::111122223333:user/x","b":"111122223333"}',
    );
  });
});
