/**
 * Shorter action lists: entries another entry covers go (exact for any list); Deny Action lists are
 * rewritten to prefixes matching exactly the same catalog actions today; NotAction lists are never
 * widened.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultActionCatalog } from '#policy/action-catalog.ts';
import { compressedDenyActions, coveredBy, withoutCoveredEntries } from '#policy/action-lists.ts';
import { matchingNames } from '#policy/catalog-index.ts';
import { compileBoundary } from '#policy/compile.ts';
import type { PolicyStatement } from '#policy/types.ts';
import { allowAll, compiled, inputOf } from './compile-helpers.ts';

const catalog = defaultActionCatalog();

/** Catalog actions ('service:Name', lower case) a list of patterns matches. */
function expand(patterns: readonly string[]): string[] {
  return [
    ...new Set(
      patterns.flatMap((pattern) => {
        const [service = '', name = ''] = pattern.split(':');
        return matchingNames(catalog, service, name).map((match) => `${service}:${match}`.toLowerCase());
      }),
    ),
  ].sort();
}

const length = (patterns: readonly string[]) => JSON.stringify(patterns).length;

describe('withoutCoveredEntries and coveredBy', () => {
  it('Given entries covered by a prefix wildcard or repeated in another case, when reduced, then only the covering entries remain, sorted', () => {
    expect(
      withoutCoveredEntries([
        's3:GetObject',
        'S3:getobject',
        's3:Get*',
        'ec2:DescribeInstances',
        'ec2:Describe*',
        's3:PutObject',
      ]),
    ).toEqual(['ec2:Describe*', 's3:Get*', 's3:PutObject']);
    expect(withoutCoveredEntries(['s3:*', 's3:Get*', '*'])).toEqual(['*']);
  });

  it('Given literal actions and wildcards, when checked for cover, then a literal is covered by any entry matching it and a wildcard only by the same or a shorter prefix', () => {
    expect(coveredBy(['ec2:TerminateInstances'], ['ec2:*Instances'])).toBe(true);
    expect(coveredBy(['ec2:Describe*'], ['ec2:Desc*'])).toBe(true);
    expect(coveredBy(['ec2:*Vpc'], ['ec2:Create*'])).toBe(false);
    expect(coveredBy(['iam:*User'], ['iam:List*'])).toBe(false);
  });
});

describe('compressedDenyActions', () => {
  const services = ['s3', 'iam', 'kms', 'guardduty'];
  const subsetOfAService = fc.constantFrom(...services).chain((service) =>
    fc.subarray(
      catalog.actionsOf(service).map((name) => `${service}:${name}`),
      { minLength: 1 },
    ),
  );

  it('Given any subset of a service’s actions, when compressed, then the result matches exactly the same catalog actions and is never longer', () => {
    fc.assert(
      fc.property(subsetOfAService, (listed) => {
        const compressed = compressedDenyActions(listed, catalog);
        expect(expand(compressed)).toEqual(expand(listed));
        expect(length(compressed)).toBeLessThanOrEqual(length(listed));
      }),
      { numRuns: 300, seed: 2_026 },
    );
  });

  it('Given every s3 action that starts with Delete listed by name, when compressed, then one wildcard', () => {
    const deletes = catalog
      .actionsOf('s3')
      .filter((name) => name.startsWith('Delete'))
      .map((name) => `s3:${name}`);
    expect(compressedDenyActions(deletes, catalog)).toEqual(['s3:Delete*']);
  });

  it('Given entries the catalog cannot expand, when compressed, then they are kept as written', () => {
    expect(
      compressedDenyActions(['macie:*', 's3:Delete*PublicAccessBlock', 's3:PutObject'], catalog),
    ).toEqual(['macie:*', 's3:Delete*PublicAccessBlock', 's3:PutObject']);
  });
});

describe('action lists in the compiled boundary', () => {
  const deletes = catalog
    .actionsOf('s3')
    .filter((name) => name.startsWith('Delete'))
    .map((name) => `s3:${name}`);
  const condition = { StringNotEquals: { 'aws:RequestedRegion': 'cn-north-1' } };

  function compiledStatement(statement: PolicyStatement): PolicyStatement | undefined {
    const outcome = compiled(
      compileBoundary(inputOf({ 'r-ab12': { 'r-ab12.json': [allowAll, statement] } })),
    );
    return outcome.policy.Statement.find(
      (candidate) => JSON.stringify(candidate.Condition) === JSON.stringify(condition),
    );
  }

  it('Given a Deny Action list naming every s3 Delete action, when compiled, then it becomes s3:Delete* (future Delete actions are denied too: only ever more)', () => {
    expect(
      compiledStatement({ Effect: 'Deny', Action: deletes, Resource: '*', Condition: condition })?.Action,
    ).toBe('s3:Delete*');
  });

  it('Given the same names as a Deny NotAction exception list, when compiled, then they stay as written (a wildcard would except future actions)', () => {
    expect(
      compiledStatement({ Effect: 'Deny', NotAction: deletes, Resource: '*', Condition: condition })
        ?.NotAction,
    ).toEqual([...deletes].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));
  });
});
