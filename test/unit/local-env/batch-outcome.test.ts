/** Which messages of an SQS batch Lambda deletes after an invocation, by its documented rules. */
import { describe, expect, it } from 'vitest';
import type { Invocation } from '#dev/local-env/functions.ts';
import { succeededMessageIds } from '#dev/local-env/sqs-event-source.ts';

const IDS = ['m1', 'm2', 'm3'];
const answered = (payload: unknown): Invocation => ({
  functionName: 'iam-event-dispatcher',
  ok: true,
  payload,
  log: '',
  durationMs: 1,
});
const failed: Invocation = {
  functionName: 'iam-event-dispatcher',
  ok: false,
  error: { type: 'Error', message: 'boom' },
  log: '',
  durationMs: 1,
};

describe('SQS batch outcome', () => {
  it('Given a function error, then no message is deleted: the whole batch comes back after the visibility timeout', () => {
    expect(succeededMessageIds(IDS, failed, true)).toEqual([]);
    expect(succeededMessageIds(IDS, failed, false)).toEqual([]);
  });

  it('Given ReportBatchItemFailures and two failed items, then only the third message is deleted', () => {
    const payload = { batchItemFailures: [{ itemIdentifier: 'm1' }, { itemIdentifier: 'm3' }] };
    expect(succeededMessageIds(IDS, answered(payload), true)).toEqual(['m2']);
  });

  it('Given ReportBatchItemFailures and an empty list or no list, then every message succeeded', () => {
    expect(succeededMessageIds(IDS, answered({ batchItemFailures: [] }), true)).toEqual(IDS);
    expect(succeededMessageIds(IDS, answered(null), true)).toEqual(IDS);
  });

  it('Given a report naming a message not in the batch, or an unusable report, then the whole batch failed', () => {
    expect(
      succeededMessageIds(IDS, answered({ batchItemFailures: [{ itemIdentifier: 'other' }] }), true),
    ).toEqual([]);
    expect(succeededMessageIds(IDS, answered({ batchItemFailures: [{}] }), true)).toEqual([]);
    expect(succeededMessageIds(IDS, answered({ batchItemFailures: 'm1' }), true)).toEqual([]);
  });

  it('Given a function without ReportBatchItemFailures, then its answer is not read: every message succeeded', () => {
    const payload = { batchItemFailures: [{ itemIdentifier: 'm1' }] };
    expect(succeededMessageIds(IDS, answered(payload), false)).toEqual(IDS);
  });
});
