/**
 * Chains that spill out of the boundary into additional policies, on the unit fakes: each Deny
 * has its own condition, so none merges with another. With the fake world's settings 40 such
 * statements need one additional policy, 90 two and 150 three.
 */
import { canonicalJson } from '#policy/hash.ts';
import type { PolicyDocument } from '#policy/types.ts';
import type { PolicyHolder } from '#usecases/ports.ts';
import type { World } from './world.ts';

export const ONE_EXTRA = 60;
export const TWO_EXTRAS = 120;
export const THREE_EXTRAS = 150;

/** Allow * and `count` Denies of ec2:RunInstances for the teams `first`, `first + 1`, … */
export function teamDenies(count: number, first = 0): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: '*', Resource: '*' },
      ...Array.from({ length: count }, (_, index) => ({
        Effect: 'Deny' as const,
        Action: 'ec2:RunInstances',
        Resource: '*',
        Condition: { StringEquals: { 'aws:PrincipalTag/team': `team-${first + index}` } },
      })),
    ],
  };
}

export const policyArn = (accountId: string, name: string) => `arn:aws-cn:iam::${accountId}:policy/${name}`;

const keyOf = (statement: object) => canonicalJson({ ...statement, Sid: undefined });

/** Deny statements in force for one principal: its boundary's and those of every policy attached to it. */
export function denyStatementsInForce(world: World, accountId: string, holder: PolicyHolder): Set<string> {
  const named = [
    ...(holder.kind === 'group' ? [] : [world.iam.boundaryOf(accountId, holder.kind, holder.name)]),
    ...world.iam.attachedTo(accountId, holder.kind, holder.name),
  ];
  const documents = named
    .filter((arn): arn is string => arn !== undefined)
    .map((arn) => world.iam.currentDocument(accountId, arn.slice(arn.lastIndexOf('/') + 1)));
  return new Set(
    documents.flatMap((document) =>
      (document?.Statement ?? []).filter((statement) => statement.Effect === 'Deny').map(keyOf),
    ),
  );
}

/** Deny statements of every compiled policy as deployed now. */
export function deployedDenyStatements(world: World, accountId: string, names: string[]): Set<string> {
  return new Set(
    names.flatMap((name) =>
      (world.iam.currentDocument(accountId, name)?.Statement ?? [])
        .filter((statement) => statement.Effect === 'Deny')
        .map(keyOf),
    ),
  );
}

type Watched = 'writeBoundaryPolicy' | 'attachPolicy' | 'detachPolicy' | 'deleteBoundaryPolicy';

/** Runs `check` after every IAM write the fake receives (policy versions, attachments, deletes). */
export function afterEveryWrite(world: World, check: () => void): void {
  const iam = world.iam as unknown as Record<Watched, (...args: unknown[]) => Promise<unknown>>;
  for (const method of [
    'writeBoundaryPolicy',
    'attachPolicy',
    'detachPolicy',
    'deleteBoundaryPolicy',
  ] as const) {
    const original = iam[method].bind(world.iam);
    iam[method] = async (...args: unknown[]) => {
      const result = await original(...args);
      check();
      return result;
    };
  }
}
