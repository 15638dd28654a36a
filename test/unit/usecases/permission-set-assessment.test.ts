/**
 * Which permission sets scp-alt gives its boundary by reference, which it refuses, and why: decided
 * from the permission set and the account records alone. One row per case a user would name.
 */
import { describe, expect, it } from 'vitest';
import {
  assessPermissionSet,
  isRoleOfPermissionSet,
  type PermissionSetVerdict,
} from '#usecases/permission-set-assessment.ts';
import type { AccountRecord, PermissionSet, PermissionSetBoundary } from '#usecases/ports.ts';

const A = '111111111111';
const B = '222222222222';
const OUTSIDER = '333333333333';

function record(accountId: string, additional: string[] = [], status: AccountRecord['status'] = 'ACTIVE') {
  return {
    accountId,
    status,
    additionalPolicies: additional.map((name) => ({ name, versionId: 'v1', hash: 'h' })),
  } as unknown as AccountRecord;
}

const ours: PermissionSetBoundary = { kind: 'reference', name: 'scp-enforce-policy', path: '/' };

function set(
  accountIds: string[],
  boundary?: PermissionSetBoundary,
  references: string[] = [],
): PermissionSet {
  return {
    instanceArn: 'arn:aws-cn:sso:::instance/ssoins-1',
    arn: 'arn:aws-cn:sso:::permissionSet/ssoins-1/ps-1',
    name: 'Developers',
    boundary,
    customerPolicies: references.map((name) => ({ name, path: '/' })),
    accountIds,
  };
}

const cases: {
  name: string;
  set: PermissionSet;
  records: AccountRecord[];
  verdict: PermissionSetVerdict;
  missing?: string[];
  uneven?: string[];
}[] = [
  {
    name: 'provisioned to enrolled accounts only, no boundary',
    set: set([A, B]),
    records: [record(A), record(B)],
    verdict: 'to-bound',
  },
  {
    name: 'ours already, nothing else needed',
    set: set([A], ours),
    records: [record(A)],
    verdict: 'governed',
  },
  {
    name: 'ours, but an additional policy every account holds is not referenced',
    set: set([A, B], ours),
    records: [record(A, ['scp-enforce-policy-2']), record(B, ['scp-enforce-policy-2'])],
    verdict: 'to-bound',
    missing: ['scp-enforce-policy-2'],
  },
  {
    name: 'an additional policy only one account holds is never referenced, and reported',
    set: set([A, B], ours),
    records: [record(A, ['scp-enforce-policy-2']), record(B)],
    verdict: 'governed',
    uneven: ['scp-enforce-policy-2'],
  },
  {
    name: 'also provisioned to an account not enrolled',
    set: set([A, OUTSIDER]),
    records: [record(A)],
    verdict: 'spans-unenrolled',
  },
  {
    name: 'also provisioned to an account being deregistered',
    set: set([A, B], ours),
    records: [record(A), record(B, [], 'DEREGISTERING')],
    verdict: 'spans-unenrolled',
  },
  {
    name: 'provisioned to no enrolled account',
    set: set([OUTSIDER]),
    records: [record(A)],
    verdict: 'outside',
  },
  {
    name: 'a boundary of its own by reference',
    set: set([A], { kind: 'reference', name: 'team-boundary', path: '/' }),
    records: [record(A)],
    verdict: 'own-boundary',
  },
  {
    name: 'our name on another path is not ours',
    set: set([A], { kind: 'reference', name: 'scp-enforce-policy', path: '/custom/' }),
    records: [record(A)],
    verdict: 'own-boundary',
  },
  {
    name: 'an AWS managed policy as boundary',
    set: set([A], { kind: 'managed', policyArn: 'arn:aws-cn:iam::aws:policy/PowerUserAccess' }),
    records: [record(A)],
    verdict: 'own-boundary',
  },
];

describe('assessPermissionSet', () => {
  it.each(cases)(
    '$name → $verdict',
    ({ set: permissionSet, records, verdict, missing = [], uneven = [] }) => {
      const assessment = assessPermissionSet(permissionSet, records, 'scp-enforce-policy');
      expect(assessment.verdict).toBe(verdict);
      expect(assessment.missingReferences.map((reference) => reference.name)).toEqual(missing);
      expect(assessment.unevenReferences).toEqual(uneven);
    },
  );

  it('does not change its input', () => {
    const permissionSet = set([A, OUTSIDER]);
    const copy = structuredClone(permissionSet);
    assessPermissionSet(permissionSet, [record(A)], 'scp-enforce-policy');
    expect(permissionSet).toEqual(copy);
  });
});

describe('isRoleOfPermissionSet', () => {
  it.each([
    ['AWSReservedSSO_Dev_0123456789abcdef', 'Dev', true],
    ['AWSReservedSSO_Dev_Ops_0123456789abcdef', 'Dev', false],
    ['AWSReservedSSO_Dev_Ops_0123456789abcdef', 'Dev_Ops', true],
    ['AWSReservedSSO_Dev_xyz', 'Dev', false],
  ])('%s belongs to %s: %s', (roleName, permissionSet, expected) => {
    const arn = `arn:aws-cn:iam::${A}:role/aws-reserved/sso.amazonaws.com/${roleName}`;
    expect(isRoleOfPermissionSet(arn, permissionSet)).toBe(expected);
  });
});
