/**
 * A statement larger than a whole policy (the Deny NotAction of a long allow-list, a long Deny
 * list) is split into parts that deny exactly the same requests, checked against iam-simulate on
 * actions inside and outside the lists, including services the lists never name.
 */
import { describe, expect, it } from 'vitest';
import { defaultActionCatalog } from '#policy/action-catalog.ts';
import { compileBoundary } from '#policy/compile.ts';
import type { PolicyDocument, PolicyStatement } from '#policy/types.ts';
import { allowAll, compiled, inputOf } from './compile-helpers.ts';
import { compiledDecision, isAllowed, nativeDecision, type OracleRequest } from './oracle.ts';

const catalog = defaultActionCatalog();
/** Every third action of eight services: 300-odd names no wildcard may replace in a NotAction. */
const LISTED = ['ec2', 's3', 'iam', 'rds', 'lambda', 'dynamodb', 'sqs', 'kms'].flatMap((service) =>
  catalog
    .actionsOf(service)
    .filter((_, index) => index % 3 === 0)
    .slice(0, 45)
    .map((name) => `${service}:${name}`),
);
const UNLISTED = ['ec2', 's3', 'iam', 'rds', 'lambda', 'dynamodb', 'sqs', 'kms'].map(
  (service) => `${service}:${catalog.actionsOf(service)[1] ?? ''}`,
);

const requests: OracleRequest[] = [
  ...LISTED.filter((_, index) => index % 9 === 0),
  ...UNLISTED,
  'sns:Publish',
  'logs:PutLogEvents',
].map((action) => ({ action, resource: '*', context: { 'aws:RequestedRegion': 'us-east-1' } }));

/** Decides the grid both ways; returns the compiled statements that carry `element`. */
async function expectNativeDecisions(statements: PolicyStatement[], element: 'Action' | 'NotAction') {
  const outcome = compiled(compileBoundary(inputOf({ 'r-ab12': { 'r-ab12.json': statements } })));
  const native: PolicyDocument = { Version: '2012-10-17', Statement: statements };
  const verdicts = { native: [] as boolean[], ours: [] as boolean[] };
  for (const request of requests) {
    verdicts.native.push(isAllowed(await nativeDecision([[native]], request)));
    verdicts.ours.push(isAllowed(await compiledDecision(outcome, request)));
  }
  expect(verdicts.ours).toEqual(verdicts.native);
  expect(verdicts.native).toContain(true);
  expect(verdicts.native).toContain(false);
  for (const extra of outcome.additionalPolicies) expect(extra.size).toBeLessThanOrEqual(6144);
  return [outcome.policy, ...outcome.additionalPolicies.map((extra) => extra.policy)]
    .flatMap((policy) => policy.Statement)
    .filter(
      (statement) =>
        statement[element] !== undefined && !JSON.stringify(statement).includes('aws:PrincipalArn'),
    );
}

describe('statements larger than one policy', () => {
  it(`Given an allow-list of ${LISTED.length} actions, when compiled, then its Deny NotAction is split by service across policies and decides as natively`, async () => {
    expect(JSON.stringify(LISTED).length).toBeGreaterThan(6144);
    const parts = await expectNativeDecisions(
      [{ Effect: 'Allow', Action: LISTED, Resource: '*' }],
      'NotAction',
    );
    expect(parts.length).toBeGreaterThanOrEqual(2);
    // Each part excepts the other parts' services whole.
    expect(parts.every((part) => [part.NotAction].flat().some((entry) => entry?.endsWith(':*')))).toBe(true);
  });

  it('Given a region deny whose exception list is larger than a policy, when compiled, then it is split and decides as natively', async () => {
    const deny: PolicyStatement = {
      Effect: 'Deny',
      NotAction: LISTED,
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': ['cn-north-1', 'cn-northwest-1'] } },
    };
    expect((await expectNativeDecisions([allowAll, deny], 'NotAction')).length).toBeGreaterThanOrEqual(2);
  });

  it('Given a Deny list of actions larger than a policy that no wildcard shortens, when compiled, then it is split and decides as natively', async () => {
    const deny: PolicyStatement = {
      Effect: 'Deny',
      Action: LISTED,
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
    };
    const parts = (await expectNativeDecisions([allowAll, deny], 'Action')).filter((part) => part.Condition);
    expect(parts.length).toBeGreaterThanOrEqual(2);
  });
});
