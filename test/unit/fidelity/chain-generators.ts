/**
 * fast-check generators of SCP chains (1–5 levels, 1–5 policies per level) written the way security
 * admins write them: allow-lists, deny-lists, region locks, conditional allows and denies, NotAction,
 * NotResource, Resource ARNs and the `<ACCOUNT_ID>` placeholder; and the shapes the compiler reduces
 * or splits: allows of the same or overlapping actions under different Conditions and Resources
 * (NotResource too), statements only the root user can match, entries no catalog action matches
 * (retired prefixes, patterns matching nothing), and perimeter denies long enough that a chain of
 * them spills out of the boundary into additional policies.
 */
import fc from 'fast-check';
import type { EvaluationRequest } from '#policy/evaluate.ts';
import type { PolicyStatement } from '#policy/types.ts';
import { ACCOUNT_ID, ACTION_RESOURCES, PRINCIPALS, REGIONS } from './request-pool.ts';
import {
  ALLOW_ACTIONS,
  CONDITIONS,
  condition,
  DENY_ACTIONS,
  GLOBAL_SERVICE_ACTIONS,
  maybeCondition,
  PERIMETER_ROLES,
  RESOURCES,
  ROOT_ONLY,
  some,
  UNMATCHED_ACTIONS,
  withCondition,
} from './statement-pools.ts';

export interface ChainPolicy {
  name: string;
  document: { Version: '2012-10-17'; Statement: PolicyStatement[] };
}

/** Root first; a level without policies has no file (allow-all, like FullAWSAccess). */
export interface ChainSpec {
  levels: { target: string; policies: ChainPolicy[] }[];
}

const statement: fc.Arbitrary<PolicyStatement> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<PolicyStatement>({ Effect: 'Allow', Action: '*', Resource: '*' }) },
  {
    weight: 4,
    arbitrary: some(ALLOW_ACTIONS, 5).map(
      (Action): PolicyStatement => ({ Effect: 'Allow', Action, Resource: '*' }),
    ),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(some(ALLOW_ACTIONS), some(RESOURCES))
      .map(([Action, Resource]): PolicyStatement => ({ Effect: 'Allow', Action, Resource })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(some(ALLOW_ACTIONS, 2), condition)
      .map(([Action, block]) => withCondition({ Effect: 'Allow', Action, Resource: '*' }, block)),
  },
  {
    weight: 1,
    arbitrary: some(DENY_ACTIONS).map(
      (NotAction): PolicyStatement => ({ Effect: 'Allow', NotAction, Resource: '*' }),
    ),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(some(DENY_ACTIONS), fc.option(some(RESOURCES), { nil: undefined }), maybeCondition)
      .map(([Action, resources, block]) =>
        withCondition({ Effect: 'Deny', Action, Resource: resources ?? '*' }, block),
      ),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(some(GLOBAL_SERVICE_ACTIONS, 4), maybeCondition)
      .map(([NotAction, block]) =>
        withCondition({ Effect: 'Deny', NotAction, Resource: '*' }, block ?? CONDITIONS[0]),
      ),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(some(DENY_ACTIONS.concat(ALLOW_ACTIONS.slice(0, 6))), some(RESOURCES, 2), maybeCondition)
      .map(([Action, NotResource, block]) => withCondition({ Effect: 'Deny', Action, NotResource }, block)),
  },
);

/** Two allows of the same actions that differ in Condition and/or Resource (NotResource too). */
const overlappingAllows: fc.Arbitrary<PolicyStatement[]> = fc
  .tuple(
    some(ALLOW_ACTIONS, 2),
    fc.array(
      fc.record({
        condition: fc.option(condition, { nil: undefined }),
        resources: fc.option(some(RESOURCES, 2), { nil: undefined }),
        notResource: fc.boolean(),
      }),
      { minLength: 2, maxLength: 3 },
    ),
  )
  .map(([Action, variants]) =>
    variants.map(({ condition: block, resources, notResource }) => {
      const target =
        resources === undefined
          ? { Resource: '*' }
          : notResource
            ? { NotResource: resources }
            : { Resource: resources };
      return withCondition(
        { Effect: 'Allow', Action, ...target },
        block ?? (resources ? undefined : CONDITIONS[2]),
      );
    }),
  );

/** Statements the compiler leaves out or rewrites, and long perimeter denies. */
const reducibleStatement: fc.Arbitrary<PolicyStatement> = fc.oneof(
  fc
    .tuple(some(DENY_ACTIONS), fc.constantFrom('Allow' as const, 'Deny' as const))
    .map(([Action, Effect]): PolicyStatement => ({ Effect, Action, Resource: '*', Condition: ROOT_ONLY })),
  fc.tuple(some(UNMATCHED_ACTIONS, 2), some(DENY_ACTIONS, 2)).map(
    ([unmatched, Action]): PolicyStatement => ({
      Effect: 'Deny',
      Action: [unmatched, Action].flat(),
      Resource: '*',
    }),
  ),
  fc.tuple(some(UNMATCHED_ACTIONS, 2), some(ALLOW_ACTIONS, 3)).map(
    ([unmatched, Action]): PolicyStatement => ({
      Effect: 'Allow',
      Action: [unmatched, Action].flat(),
      Resource: '*',
    }),
  ),
  fc.tuple(some(UNMATCHED_ACTIONS, 2), fc.boolean()).map(
    ([unmatched, alone]): PolicyStatement => ({
      Effect: 'Deny',
      NotAction: alone ? unmatched : [unmatched, GLOBAL_SERVICE_ACTIONS].flat(),
      Resource: '*',
      Condition: CONDITIONS[0],
    }),
  ),
  fc
    .tuple(
      some(DENY_ACTIONS, 4),
      fc.integer({ min: 12, max: 24 }),
      fc.constantFrom('StringNotLike', 'ArnNotLike'),
    )
    .map(
      ([Action, count, operator]): PolicyStatement => ({
        Effect: 'Deny',
        Action,
        Resource: '*',
        Condition: { [operator]: { 'aws:PrincipalArn': PERIMETER_ROLES.slice(0, count) } },
      }),
    ),
);

const policy = (name: string) =>
  fc
    .array(
      fc.oneof(
        { weight: 6, arbitrary: statement.map((single) => [single]) },
        { weight: 1, arbitrary: overlappingAllows },
        { weight: 2, arbitrary: reducibleStatement.map((single) => [single]) },
      ),
      { minLength: 1, maxLength: 3 },
    )
    .map((groups): ChainPolicy => ({ name, document: { Version: '2012-10-17', Statement: groups.flat() } }));

function levelTarget(index: number, depth: number): string {
  if (index === 0) return 'r-ab12';
  if (index === depth - 1) return `account-${ACCOUNT_ID}`;
  return `ou-ab12-${String(index).padStart(8, '1')}`;
}

export const chainSpec: fc.Arbitrary<ChainSpec> = fc.integer({ min: 1, max: 5 }).chain((depth) =>
  fc
    .tuple(
      ...Array.from({ length: depth }, () =>
        fc.oneof(
          { weight: 1, arbitrary: fc.constant<ChainPolicy[]>([]) },
          {
            weight: 8,
            arbitrary: fc
              .integer({ min: 1, max: 5 })
              .chain((count) => fc.tuple(...Array.from({ length: count }, (_, i) => policy(`p${i + 1}`)))),
          },
        ),
      ),
    )
    .map((levels) => ({
      levels: levels.map((policies, index) => ({ target: levelTarget(index, depth), policies })),
    })),
);

function regionOf(resource: string): string | undefined {
  return resource.split(':')[3] || undefined;
}

/** Requests of principals of the member account, with a context like IAM would build. */
export const fidelityRequest: fc.Arbitrary<EvaluationRequest> = fc
  .record({
    action: fc.constantFrom(...Object.keys(ACTION_RESOURCES)),
    principal: fc.constantFrom(...PRINCIPALS),
    region: fc.constantFrom(...REGIONS),
    team: fc.constantFrom('red', 'blue', undefined),
    mfa: fc.constantFrom('true', 'false', undefined),
    mfaAge: fc.constantFrom('100', '7200', undefined),
    sourceIp: fc.constantFrom('10.1.2.3', '203.0.113.9', undefined),
    tagKeys: fc.constantFrom<string[] | undefined>(['env'], ['secret', 'env'], ['team-a'], undefined),
    requestTag: fc.constantFrom('prod', undefined),
    resourceTag: fc.constantFrom('prod', 'dev', undefined),
    resourceIndex: fc.nat(),
  })
  .map((draft) => {
    const resources = ACTION_RESOURCES[draft.action] ?? ['*'];
    const resource = resources[draft.resourceIndex % resources.length] ?? '*';
    const optional: [string, string | string[] | undefined][] = [
      ['aws:username', draft.principal.username],
      ['aws:PrincipalTag/team', draft.team],
      ['aws:MultiFactorAuthPresent', draft.mfa],
      ['aws:MultiFactorAuthAge', draft.mfaAge],
      ['aws:SourceIp', draft.sourceIp],
      ['aws:TagKeys', draft.tagKeys],
      ['aws:RequestTag/env', draft.requestTag],
      ['aws:ResourceTag/env', draft.resourceTag],
    ];
    const context: Record<string, string | string[]> = {
      'aws:RequestedRegion': regionOf(resource) ?? draft.region,
      'aws:PrincipalArn': draft.principal.principalArn,
      'aws:PrincipalAccount': ACCOUNT_ID,
      'aws:CurrentTime': '2026-09-26T12:00:00Z',
    };
    for (const [key, value] of optional) if (value !== undefined) context[key] = value;
    return {
      action: draft.action,
      resource,
      principalArn: draft.principal.arn,
      accountId: ACCOUNT_ID,
      context,
    };
  });
