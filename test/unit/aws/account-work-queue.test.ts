import { describe, expect, it } from 'vitest';
import { parseAccountWorkItem } from '#aws/account-work-queue.ts';

const ACCOUNT = '123456789012';

describe('parseAccountWorkItem', () => {
  it('Given a reconcile message with the account place, Then the item keeps it as sent', () => {
    const body = {
      accountId: ACCOUNT,
      reason: 'reconcile',
      placement: { kind: 'member', ouPath: ['r-ab12', 'ou-ab12-cdef3456'] },
    };
    expect(parseAccountWorkItem(body)).toEqual({ item: body });
  });

  it('Given a reconcile message without a place (the tree was not read), Then the item has none', () => {
    expect(parseAccountWorkItem({ accountId: ACCOUNT, reason: 'reconcile' })).toEqual({
      item: { accountId: ACCOUNT, reason: 'reconcile' },
    });
  });

  it('Given a place that is not one Organizations gives, Then the message is rejected naming the field', () => {
    const parsed = parseAccountWorkItem({
      accountId: ACCOUNT,
      reason: 'reconcile',
      placement: { kind: 'member', ouPath: [] },
    });
    expect(parsed).toMatchObject({ problem: expect.stringContaining('placement') });
    const unknownKind = parseAccountWorkItem({
      accountId: ACCOUNT,
      reason: 'reconcile',
      placement: { kind: 'moved' },
    });
    expect(unknownKind).toMatchObject({ problem: expect.stringContaining('placement') });
  });

  it('Given a reason the worker has no work for, Then the message is rejected', () => {
    expect(parseAccountWorkItem({ accountId: ACCOUNT, reason: 'enroll' })).toMatchObject({
      problem: expect.stringContaining('reason'),
    });
  });
});
