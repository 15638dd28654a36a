import { describe, expect, it } from 'vitest';
import { combineNotices } from '#functions/commons/notices.ts';
import type { FailureNotice } from '#usecases/ports.ts';

const notice = (accountId: string, code: FailureNotice['code'] = 'AWS_CALL_FAILED'): FailureNotice => ({
  code,
  step: 'sync',
  accountId,
  file: 'permission-boundary-policy/r-ab12.json',
  reason: `Throttling: rate exceeded in ${accountId}`,
});

describe('one notice per invocation', () => {
  it('Given no notice or one, Then nothing or that notice as it is', () => {
    expect(combineNotices([])).toBeUndefined();
    expect(combineNotices([notice('111111111111')])).toEqual(notice('111111111111'));
  });

  it('Given the same notice twice, Then it is sent once', () => {
    expect(combineNotices([notice('111111111111'), notice('111111111111')])).toEqual(notice('111111111111'));
  });

  it('Given notices of several accounts with one code, Then one summary keeps the code and names each account', () => {
    const combined = combineNotices([notice('111111111111'), notice('222222222222')]);
    expect(combined).toMatchObject({
      code: 'AWS_CALL_FAILED',
      step: 'sync',
      file: 'permission-boundary-policy/r-ab12.json',
      reason: '2 problems in one run, accounts 111111111111, 222222222222',
    });
    expect(combined?.accountId).toBeUndefined();
    expect(combined?.details).toEqual([
      'AWS_CALL_FAILED · account 111111111111 · file permission-boundary-policy/r-ab12.json · sync: Throttling: rate exceeded in 111111111111',
      'AWS_CALL_FAILED · account 222222222222 · file permission-boundary-policy/r-ab12.json · sync: Throttling: rate exceeded in 222222222222',
    ]);
  });

  it('Given different codes, Then the summary says several failures, each line keeping its code', () => {
    const combined = combineNotices([notice('111111111111'), notice('111111111111', 'DEADLINE_EXCEEDED')]);
    expect(combined).toMatchObject({ code: 'SEVERAL_FAILURES', accountId: '111111111111' });
    expect(combined?.details?.map((line) => line.split(' ')[0])).toEqual([
      'AWS_CALL_FAILED',
      'DEADLINE_EXCEEDED',
    ]);
  });

  it('Given more lines than a message should hold, Then the rest is counted, not sent', () => {
    const many = Array.from({ length: 250 }, (_, i) => notice(String(100000000000 + i)));
    const details = combineNotices(many)?.details ?? [];
    expect(details).toHaveLength(201);
    expect(details.at(-1)).toBe('… 50 more line(s) in the function log');
  });
});
