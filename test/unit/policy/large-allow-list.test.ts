/**
 * Compiling an allow-list written one action per statement stays near-linear: the work is bounded
 * by counting the pairwise pattern comparisons (globsOverlap), never by a clock. Before the
 * pattern index, 1,949 restricted allows cost about 1.9 million comparisons per account.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultActionCatalog } from '#policy/action-catalog.ts';
import * as actionPattern from '#policy/action-pattern.ts';
import { compileBoundary } from '#policy/compile.ts';
import { type OverlapStats, overlappingLists } from '#policy/pattern-index.ts';
import type { PolicyStatement } from '#policy/types.ts';
import { inputOf } from './compile-helpers.ts';

vi.mock(import('#policy/action-pattern.ts'), async (importOriginal) => {
  const original = await importOriginal();
  return { ...original, globsOverlap: vi.fn(original.globsOverlap) };
});

const SERVICES = ['ec2', 's3', 'iam', 'rds', 'lambda', 'dynamodb', 'sqs', 'sns', 'kms', 'logs', 'glue'];
const catalog = defaultActionCatalog();
const ACTIONS = SERVICES.flatMap((service) =>
  catalog.actionsOf(service).map((name) => `${service}:${name}`),
).slice(0, 1949);
const WILDCARDS = ['s3:Get*', 's3:List*', 'ec2:Describe*', 'iam:Get*', 'iam:List*'];

function allowList(): PolicyStatement[] {
  const literal = ACTIONS.map(
    (action, index): PolicyStatement => ({
      Effect: 'Allow',
      Action: action,
      Resource: `arn:aws-cn:s3:::bucket-${index}/*`,
    }),
  );
  const wildcards = WILDCARDS.map(
    (action): PolicyStatement => ({ Effect: 'Allow', Action: action, Resource: '*' }),
  );
  return [...literal, ...wildcards];
}

describe('large allow-lists', () => {
  beforeEach(() => {
    vi.mocked(actionPattern.globsOverlap).mockClear();
  });

  it('Given 1,949 literal allow patterns and 5 wildcards, when their overlaps are found, then only wildcards are compared, each with the entries of its own service', () => {
    const lists = allowList().map((statement) => [statement.Action as string]);
    const stats: OverlapStats = { comparisons: 0 };
    const overlaps = overlappingLists(lists, stats);
    const sameServiceEntries = WILDCARDS.reduce(
      (sum, wildcard) =>
        sum + lists.filter(([action]) => action?.split(':')[0] === wildcard.split(':')[0]).length,
      0,
    );
    expect(stats.comparisons).toBeLessThanOrEqual(sameServiceEntries);
    expect(stats.comparisons).toBeLessThan(lists.length * WILDCARDS.length);
    // And the index finds what it must: s3:GetObject's allow overlaps the s3:Get* allow.
    const getObject = lists.findIndex(([action]) => action === 's3:GetObject');
    expect(overlaps[getObject]?.has(lists.length - WILDCARDS.length)).toBe(true);
  });

  it('Given a 1,954-statement allow-list file, when compiled, then the complement costs a linear number of comparisons and the outcome names the file', () => {
    const outcome = compileBoundary(inputOf({ 'r-ab12': { 'r-ab12.json': allowList() } }));
    const calls = vi.mocked(actionPattern.globsOverlap).mock.calls.length;
    // Pairwise, as before the index: 1,954 × 1,953 / 2 ≈ 1.9 million.
    expect(calls).toBeLessThan(3 * allowList().length);
    // The outside deny lists 1,954 actions: far more than a boundary and four policies hold.
    if (outcome.ok) throw new Error('expected the size error');
    expect(outcome.errors.map((error) => error.code)).toEqual(['compile.size.exceeded']);
    expect(outcome.errors[0]?.file).toBe('permission-boundary-policy/r-ab12.json');
  });
});
