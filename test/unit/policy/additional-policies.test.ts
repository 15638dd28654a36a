/**
 * More than one policy's worth of denies: what does not fit in the boundary goes into Deny-only
 * managed policies `<policyName>-2`, `-3`, …, packed deterministically and stably, bounded in
 * number, and covered by the outcome's hash.
 */
import { describe, expect, it } from 'vitest';
import { compileBoundary } from '#policy/compile.ts';
import { policyHash } from '#policy/hash.ts';
import { defaultBoundaryParameters } from '#policy/parameters.ts';
import { protectiveStatements } from '#policy/protective.ts';
import type { CompileInput, PolicyDocument, PolicyStatement } from '#policy/types.ts';
import { ACCOUNT_ID, allowAll, compiled, failed, inputOf, PREFIX } from './compile-helpers.ts';

const account = `account-${ACCOUNT_ID}`;

/** Denies that cannot merge (each its own condition value), about 150 characters each. */
function teamDenies(prefix: string, count: number, action = 'ec2:RunInstances'): PolicyStatement[] {
  return Array.from({ length: count }, (_, index) => ({
    Effect: 'Deny',
    Action: action,
    Resource: '*',
    Condition: { StringEquals: { 'aws:PrincipalTag/cost-centre': `${prefix}-cost-centre-${index}` } },
  }));
}

function chainInput(
  accountDenies = teamDenies('account', 40),
  overrides: Partial<CompileInput> = {},
): CompileInput {
  return inputOf(
    {
      'r-ab12': { 'r-ab12.json': [allowAll, ...teamDenies('root', 40)] },
      'ou-ab12-11111111': { 'ou-ab12-11111111.json': [allowAll, ...teamDenies('ou', 40, 's3:PutObject')] },
      [account]: { [`${account}.json`]: [allowAll, ...accountDenies] },
    },
    overrides,
  );
}

const policiesOf = (outcome: ReturnType<typeof compiled>): PolicyDocument[] => [
  outcome.policy,
  ...outcome.additionalPolicies.map((extra) => extra.policy),
];

/** Where each statement landed: its JSON → index of the policy holding it. */
function placement(outcome: ReturnType<typeof compiled>): Map<string, number> {
  const where = new Map<string, number>();
  policiesOf(outcome).forEach((policy, index) => {
    for (const statement of policy.Statement) where.set(JSON.stringify(statement), index);
  });
  return where;
}

describe('additional policies', () => {
  const outcome = compiled(compileBoundary(chainInput()));

  it('Given denies beyond one policy, when compiled, then they spill into <policyName>-2, -3 … in order, each within 6,144 and Deny-only', () => {
    expect(outcome.additionalPolicies.map((extra) => extra.name)).toEqual([
      'scp-enforce-policy-2',
      'scp-enforce-policy-3',
      'scp-enforce-policy-4',
    ]);
    for (const extra of outcome.additionalPolicies) {
      expect(extra.size).toBe(JSON.stringify(extra.policy).length);
      expect(extra.size).toBeLessThanOrEqual(6144);
      expect(extra.policy.Statement.every((statement) => statement.Effect === 'Deny')).toBe(true);
      expect(extra.hash).toBe(policyHash(extra.policy));
    }
    expect(outcome.size).toBe(JSON.stringify(outcome.policy).length);
    expect(outcome.size).toBeLessThanOrEqual(6144);
  });

  it('Given a spilled compile, when inspected, then the boundary keeps Allow * and every protective statement, and each deny appears exactly once', () => {
    const [first] = outcome.policy.Statement;
    expect(first).toEqual({ Effect: 'Allow', Action: '*', Resource: '*' });
    const text = (policy: PolicyDocument) => JSON.stringify(policy);
    const withoutSid = ({ Sid: _sid, ...rest }: PolicyStatement) => JSON.stringify(rest);
    const inBoundary = new Set(outcome.policy.Statement.map(withoutSid));
    const protective = protectiveStatements(chainInput().params).map(withoutSid);
    expect(protective.filter((statement) => !inBoundary.has(statement))).toEqual([]);
    for (const extra of outcome.additionalPolicies)
      expect(extra.policy.Statement.map(withoutSid).filter((s) => protective.includes(s))).toEqual([]);
    const everything = policiesOf(outcome).map(text).join('\n');
    for (const prefix of ['root', 'ou', 'account']) {
      for (let index = 0; index < 40; index++) {
        expect(everything.split(`"${prefix}-cost-centre-${index}"`)).toHaveLength(2);
      }
    }
  });

  it('Given a spilled compile, when hashed, then the hash covers every policy while boundaryHash covers the boundary alone', () => {
    expect(outcome.boundaryHash).toBe(policyHash(outcome.policy));
    expect(outcome.hash).not.toBe(outcome.boundaryHash);
    // Change a statement that sits at the end of the order: only a later policy changes.
    const edited = teamDenies('account', 40);
    edited[39] = { ...edited[39], Action: 'ec2:StartInstances' } as PolicyStatement;
    const changed = compiled(compileBoundary(chainInput(edited)));
    expect(changed.boundaryHash).toBe(outcome.boundaryHash);
    expect(changed.hash).not.toBe(outcome.hash);
  });

  it('Given a chain that fits the boundary, when compiled, then there is no additional policy and the hash is the boundary hash, as before additional policies existed', () => {
    const small = compiled(
      compileBoundary(inputOf({ [account]: { 'a.json': [allowAll, ...teamDenies('a', 2)] } })),
    );
    expect(small.additionalPolicies).toEqual([]);
    expect(small.hash).toBe(policyHash(small.policy));
    expect(small.boundaryHash).toBe(small.hash);
  });

  it('Given the same chain twice or its files reordered, when compiled, then the split is byte-identical', () => {
    const reordered = chainInput();
    reordered.chain = reordered.chain.map((level) => ({ ...level, sources: [...level.sources].reverse() }));
    expect(JSON.stringify(compileBoundary(chainInput()))).toBe(JSON.stringify(outcome));
    expect(JSON.stringify(compileBoundary(reordered))).toBe(JSON.stringify(outcome));
  });

  it('Given one deny changed in the middle of the chain, when compiled again, then few statements move between policies and the policies before it keep their content', () => {
    const edited = compiled(
      compileBoundary(
        inputOf({
          'r-ab12': { 'r-ab12.json': [allowAll, ...teamDenies('root', 40)] },
          'ou-ab12-11111111': {
            'ou-ab12-11111111.json': [
              allowAll,
              ...teamDenies('ou', 40, 's3:PutObject').map((statement, index) =>
                index === 20 ? { ...statement, Action: ['s3:PutObject', 's3:PutObjectAcl'] } : statement,
              ),
            ],
          },
          [account]: { [`${account}.json`]: [allowAll, ...teamDenies('account', 40)] },
        }),
      ),
    );
    const before = placement(outcome);
    const after = placement(edited);
    const moved = [...before].filter(
      ([statement, index]) => after.has(statement) && after.get(statement) !== index,
    );
    expect(moved.length).toBeLessThanOrEqual(3);
    expect(edited.policy).toEqual(outcome.policy);
  });

  it('Given more denies than the allowed number of additional policies hold, when compiled, then compile.size.exceeded names the bound and the largest files', () => {
    const errors = failed(compileBoundary(chainInput(undefined, { maxAdditionalPolicies: 1 })));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe('compile.size.exceeded');
    expect(errors[0]?.message).toContain(
      'the boundary and 1 additional policies at the IAM managed policy limit of 6,144',
    );
    expect(errors[0]?.message).toMatch(
      new RegExp(`largest contributing files: ${PREFIX}\\S+ \\(\\d+ characters\\)`),
    );
    expect(errors[0]?.file).toMatch(/^permission-boundary-policy\//);
  });

  it('Given the default bound, when a chain needs more than four additional policies, then it is refused', () => {
    const huge = compileBoundary(chainInput(teamDenies('account', 160)));
    expect(failed(huge).map((error) => error.code)).toEqual(['compile.size.exceeded']);
  });

  it('Given a policy name, when spilling, then the additional policies are named after it', () => {
    const params = defaultBoundaryParameters({
      partition: 'aws-cn',
      accountId: ACCOUNT_ID,
      policyName: 'guard',
    });
    const named = compiled(compileBoundary(chainInput(undefined, { params })));
    expect(named.additionalPolicies.map((extra) => extra.name)[0]).toBe('guard-2');
  });
});
