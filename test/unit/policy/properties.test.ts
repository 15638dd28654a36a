/**
 * Properties of compileBoundary over generated SCP chains (fast-check). The decision property
 * uses iam-simulate as the oracle; the large differential test lives elsewhere, this one is small.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileBoundary } from '#policy/compile.ts';
import type { CompileInput, PolicyDocument, PolicyStatement } from '#policy/types.ts';
import { PREFIX, params } from './compile-helpers.ts';
import { ACCOUNT, compiledDecision, isAllowed, nativeDecision, type OracleRequest } from './oracle.ts';

const team = 'aws:PrincipalTag/team';
const CONDITIONS: PolicyStatement['Condition'][] = [
  { StringEquals: { [team]: 'red' } },
  { StringNotEquals: { 'aws:RequestedRegion': 'cn-north-1' } },
  { StringEqualsIfExists: { [team]: ['red', 'green'] } },
  { Bool: { 'aws:SecureTransport': 'true' } },
  { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } },
  { Null: { [team]: 'true' } },
  { StringLike: { 'aws:RequestedRegion': 'cn-*' }, BoolIfExists: { 'aws:SecureTransport': 'false' } },
];

const statementArb: fc.Arbitrary<PolicyStatement> = fc
  .record({
    effect: fc.constantFrom('Allow' as const, 'Deny' as const),
    actions: fc.subarray(
      ['s3:GetObject', 's3:PutObject', 's3:Get*', 's3:*', 'ec2:Describe*', 'sqs:*', 'iam:GetRole', '*'],
      { minLength: 1, maxLength: 3 },
    ),
    notAction: fc.boolean(),
    resource: fc.constantFrom('*', 'arn:aws-cn:s3:::data/*', 'arn:aws-cn:s3:::other/*'),
    notResource: fc.boolean(),
    condition: fc.option(fc.constantFrom(...CONDITIONS), { freq: 2 }),
  })
  .map(({ effect, actions, notAction, resource, notResource, condition }) => ({
    Effect: effect,
    ...(notAction && actions[0] !== '*' ? { NotAction: actions } : { Action: actions }),
    ...(notResource && resource !== '*' ? { NotResource: resource } : { Resource: resource }),
    ...(condition ? { Condition: condition } : {}),
  }));

/** 1–3 levels, each with 0–2 files of 1–3 statements. */
const chainArb: fc.Arbitrary<PolicyStatement[][][]> = fc.array(
  fc.array(fc.array(statementArb, { minLength: 1, maxLength: 3 }), { maxLength: 2 }),
  { minLength: 1, maxLength: 3 },
);

function inputFor(levels: PolicyStatement[][][]): CompileInput {
  const targets = ['r-ab12', 'ou-ab12-11111111', 'ou-ab12-22222222'];
  return {
    params,
    chain: levels.map((files, depth) => {
      const target = depth === levels.length - 1 ? `account-${ACCOUNT}` : (targets[depth] ?? 'r-ab12');
      return {
        target,
        sources: files.map((statements, index) => ({
          key: `${PREFIX}${target}/p${index}.json`,
          body: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
        })),
      };
    }),
  };
}

/** A missing key, values that satisfy the generated conditions, values that do not. */
const CONTEXTS: Record<string, string>[] = [
  {},
  {
    [team]: 'red',
    'aws:SecureTransport': 'true',
    'aws:MultiFactorAuthAge': '100',
    'aws:RequestedRegion': 'cn-north-1',
  },
  {
    [team]: 'blue',
    'aws:SecureTransport': 'false',
    'aws:MultiFactorAuthAge': '7200',
    'aws:RequestedRegion': 'cn-northwest-1',
  },
];

const REQUESTS: OracleRequest[] = [
  { action: 's3:GetObject', resource: 'arn:aws-cn:s3:::data/f' },
  { action: 's3:GetObject', resource: 'arn:aws-cn:s3:::other/f' },
  { action: 's3:PutObject', resource: 'arn:aws-cn:s3:::data/f' },
  { action: 'ec2:DescribeInstances', resource: '*' },
  { action: 'sqs:SendMessage', resource: `arn:aws-cn:sqs:cn-north-1:${ACCOUNT}:q` },
  { action: 'iam:GetRole', resource: `arn:aws-cn:iam::${ACCOUNT}:role/app` },
].flatMap((request) => CONTEXTS.map((context) => ({ ...request, context })));

const asDocuments = (levels: PolicyStatement[][][]): PolicyDocument[][] =>
  levels.map((files) => files.map((statements) => ({ Version: '2012-10-17', Statement: statements })));

describe('compileBoundary properties', () => {
  it('Given any chain, when compiled twice or with its files reordered, then the outcomes are byte-identical', () => {
    fc.assert(
      fc.property(chainArb, (levels) => {
        const input = inputFor(levels);
        const reordered = {
          ...input,
          chain: input.chain.map((level) => ({ ...level, sources: [...level.sources].reverse() })),
        };
        const first = JSON.stringify(compileBoundary(input));
        expect(JSON.stringify(compileBoundary(input))).toBe(first);
        expect(JSON.stringify(compileBoundary(reordered))).toBe(first);
      }),
      { numRuns: 200 },
    );
  });

  it('Given any chain, when compiled, then the input is left unchanged', () => {
    fc.assert(
      fc.property(chainArb, (levels) => {
        const input = inputFor(levels);
        const before = structuredClone(input);
        compileBoundary(input);
        expect(input).toEqual(before);
      }),
      { numRuns: 200 },
    );
  });

  it('Given any chain that compiles, when requests are simulated, then the boundary allows exactly what the native SCP chain allows', async () => {
    let compiledChains = 0;
    await fc.assert(
      fc.asyncProperty(chainArb, async (levels) => {
        const outcome = compileBoundary(inputFor(levels));
        if (!outcome.ok) {
          // Refusing is allowed, silently weakening is not: refusals must say which allow.
          const noFile = levels.every((files) => files.length === 0);
          const expected = (code: string) =>
            noFile ? code === 'chain.policy.missing' : code === 'compile.allow.inexpressible';
          expect(outcome.errors.every((error) => expected(error.code))).toBe(true);
          return;
        }
        compiledChains += 1;
        const native = asDocuments(levels);
        for (const request of REQUESTS) {
          const nativeAllowed = isAllowed(await nativeDecision(native, request));
          const boundaryAllowed = isAllowed(await compiledDecision(outcome, request));
          // Safety first: never allow what the SCPs deny; then fidelity: never deny what they allow.
          if (boundaryAllowed) expect(nativeAllowed, JSON.stringify(request)).toBe(true);
          expect(boundaryAllowed, JSON.stringify(request)).toBe(nativeAllowed);
        }
      }),
      { numRuns: 80 },
    );
    expect(compiledChains).toBeGreaterThan(20);
  });
});
