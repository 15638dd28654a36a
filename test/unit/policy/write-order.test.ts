/**
 * Replacing several compiled policies one write at a time: a statement that moves between them is
 * written into its new policy before it leaves its old one. And the names of the additional
 * policies never collide with a derived policy's.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  additionalPolicyName,
  additionalPolicyNames,
  isAdditionalPolicyName,
} from '#policy/additional-names.ts';
import { derivedPolicyName } from '#policy/derived-boundary.ts';
import type { ManagedPolicyDocument } from '#policy/types.ts';
import { type PolicyChange, strictWriteOrder } from '#policy/write-order.ts';

const deny = (action: string) => ({ Effect: 'Deny' as const, Action: action, Resource: '*' });
const doc = (...actions: string[]): ManagedPolicyDocument => ({
  Version: '2012-10-17',
  Statement: actions.map(deny),
});

describe('strictWriteOrder', () => {
  it('Given statements pushed from the boundary into -2 and from -2 into -3, then -3 is written first, the boundary last', () => {
    const order = strictWriteOrder([
      { name: 'boundary', before: doc('a', 'b', 'c'), after: doc('z', 'a') },
      { name: '-2', before: doc('d', 'e'), after: doc('b', 'c', 'd') },
      { name: '-3', before: undefined, after: doc('e') },
    ]);
    expect(order).toEqual(['-3', '-2', 'boundary']);
  });

  it('Given statements pulled back from -3 into -2 and from -2 into the boundary, then the boundary is written first', () => {
    const order = strictWriteOrder([
      { name: 'boundary', before: doc('a'), after: doc('a', 'b') },
      { name: '-2', before: doc('b', 'c'), after: doc('c', 'd') },
      { name: '-3', before: doc('d'), after: doc() },
    ]);
    expect(order).toEqual(['boundary', '-2', '-3']);
  });

  it('recognises a moved statement whose Sid was dropped on the way', () => {
    const order = strictWriteOrder([
      { name: 'boundary', before: { Statement: [{ Sid: 'Named', ...deny('a') }] }, after: doc() },
      { name: '-2', before: doc(), after: doc('a') },
    ]);
    expect(order).toEqual(['-2', 'boundary']);
  });

  it('Given statements swapped both ways, then each policy is written once, in the order given', () => {
    const order = strictWriteOrder([
      { name: 'boundary', before: doc('a'), after: doc('b') },
      { name: '-2', before: doc('b'), after: doc('a') },
    ]);
    expect(order).toEqual(['boundary', '-2']);
  });

  it('Given any changes, then it returns each name once and puts every gainer of a moved statement before its loser when the moves form no cycle', () => {
    const statements = fc.subarray(['a', 'b', 'c', 'd', 'e', 'f'], { minLength: 0, maxLength: 4 });
    const changes = fc
      .array(fc.record({ before: fc.option(statements, { nil: undefined }), after: statements }), {
        minLength: 1,
        maxLength: 5,
      })
      .map((list) =>
        list.map(
          (entry, index): PolicyChange => ({
            name: `p${index}`,
            before: entry.before && doc(...entry.before),
            after: doc(...entry.after),
          }),
        ),
      );
    fc.assert(
      fc.property(changes, (list) => {
        const input = structuredClone(list);
        const order = strictWriteOrder(list);
        expect(list).toEqual(input);
        expect([...order].sort()).toEqual(list.map((change) => change.name).sort());
        const position = new Map(order.map((name, index) => [name, index]));
        const moves = movesOf(list);
        if (hasCycle(moves, list.length)) return;
        for (const [gainer, loser] of moves)
          expect(position.get(`p${gainer}`)).toBeLessThan(position.get(`p${loser}`) ?? -1);
      }),
      { numRuns: 300 },
    );
  });
});

const actionsOf = (document: ManagedPolicyDocument | undefined) =>
  new Set((document?.Statement ?? []).map((statement) => String(statement.Action)));

/** [gainer, loser] pairs: a statement the loser drops and the gainer newly holds. */
function movesOf(list: PolicyChange[]): [number, number][] {
  const moves: [number, number][] = [];
  list.forEach((loser, l) => {
    const lost = [...actionsOf(loser.before)].filter((action) => !actionsOf(loser.after).has(action));
    list.forEach((gainer, g) => {
      const gained = lost.some(
        (action) => actionsOf(gainer.after).has(action) && !actionsOf(gainer.before).has(action),
      );
      if (g !== l && gained) moves.push([g, l]);
    });
  });
  return moves;
}

function hasCycle(moves: [number, number][], count: number): boolean {
  const next = (node: number) => moves.filter(([from]) => from === node).map(([, to]) => to);
  const visiting = new Set<number>();
  const done = new Set<number>();
  const visit = (node: number): boolean => {
    if (visiting.has(node)) return true;
    if (done.has(node)) return false;
    visiting.add(node);
    const cyclic = next(node).some(visit);
    visiting.delete(node);
    done.add(node);
    return cyclic;
  };
  return Array.from({ length: count }, (_, index) => index).some(visit);
}

describe('additional policy names', () => {
  it('numbers them from 2, in attachment order', () => {
    expect(additionalPolicyNames('scp-enforce-policy', 3)).toEqual([
      'scp-enforce-policy-2',
      'scp-enforce-policy-3',
      'scp-enforce-policy-4',
    ]);
    expect(additionalPolicyName('guard', 18)).toBe('guard-20');
  });

  it('tells them from the boundary, from derived policies and from look-alikes', () => {
    const base = 'scp-enforce-policy';
    expect(isAdditionalPolicyName(base, 'scp-enforce-policy-2')).toBe(true);
    expect(isAdditionalPolicyName(base, 'scp-enforce-policy-20')).toBe(true);
    for (const name of [
      base,
      'scp-enforce-policy-1',
      'scp-enforce-policy-02',
      'scp-enforce-policy-123',
      'scp-enforce-policy-x',
      'other-policy-2',
      derivedPolicyName(base, 'arn:aws-cn:iam::111111111111:policy/Theirs'),
    ])
      expect(isAdditionalPolicyName(base, name), name).toBe(false);
  });
});
