/**
 * Who a role's trust policy lets assume the role. A whitelisted role carries no boundary, so
 * everyone its trust admits acts in the account without the boundary: a trust planted before
 * enrollment (naming an outside account, a service, an identity provider, or everyone) is a door
 * the protective statements cannot close from inside the account. This reads a trust document and
 * lists every principal an Allow statement admits to one of the assume actions, conditions or not
 * (a condition narrows a door, it does not close it: on doubt it is reported).
 */
import { matchesGlob } from './action-pattern.ts';
import { accountRootArn } from './arn.ts';

export interface TrustAdmission {
  /** An ARN, a service or provider name, `*` for everyone, or `everyone but …` for NotPrincipal. */
  principal: string;
  /** Sid of the statement, else its position (`Statement[1]`). */
  statement: string;
}

/** The STS actions that start a session of the role. */
const ASSUME_ACTIONS = ['sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity'];

interface TrustStatement {
  Sid?: unknown;
  Effect?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
}

/** Every principal an Allow statement of the trust admits to an assume action, in statement order. */
export function trustAdmissions(document: unknown, partition: string): TrustAdmission[] {
  const statements = toArray((document as { Statement?: unknown } | undefined)?.Statement);
  return statements.flatMap((raw, index) => {
    const statement = (raw ?? {}) as TrustStatement;
    if (statement.Effect !== 'Allow' || !allowsAssuming(statement)) return [];
    const where = typeof statement.Sid === 'string' && statement.Sid ? statement.Sid : `Statement[${index}]`;
    return principalsOf(statement, partition).map((principal) => ({ principal, statement: where }));
  });
}

/** The admissions that name none of `allowed` (exact ARNs; an account id counts as its root). */
export function unexpectedAdmissions(
  document: unknown,
  partition: string,
  allowed: readonly string[],
): TrustAdmission[] {
  return trustAdmissions(document, partition).filter((admission) => !allowed.includes(admission.principal));
}

function allowsAssuming(statement: TrustStatement): boolean {
  if (statement.NotAction !== undefined) {
    const excluded = toArray(statement.NotAction).map(String);
    return ASSUME_ACTIONS.some((action) => !excluded.some((pattern) => matchesGlob(pattern, action)));
  }
  const actions = toArray(statement.Action).map(String);
  return ASSUME_ACTIONS.some((action) => actions.some((pattern) => matchesGlob(pattern, action)));
}

function principalsOf(statement: TrustStatement, partition: string): string[] {
  if (statement.NotPrincipal !== undefined)
    return [`everyone but ${principalNames(statement.NotPrincipal, partition).join(', ')}`];
  return principalNames(statement.Principal, partition);
}

function principalNames(principal: unknown, partition: string): string[] {
  if (principal === '*') return ['*'];
  if (typeof principal !== 'object' || principal === null) return [];
  return Object.entries(principal).flatMap(([kind, values]) =>
    toArray(values).map((value) => {
      const name = String(value);
      // IAM stores an account given by its id as that account's root.
      return kind === 'AWS' && /^\d{12}$/.test(name) ? accountRootArn(partition, name) : name;
    }),
  );
}

function toArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * The roles that administer StackSets from the management account, the one outside principal a
 * StackSets execution role (the default whitelist, stacksets-exec-*) exists to admit: the
 * service-linked role of service-managed StackSets and the role of self-managed ones.
 */
export function stackSetsAdministrationArns(partition: string, managementAccountId: string): string[] {
  const role = (name: string) => `arn:${partition}:iam::${managementAccountId}:role/${name}`;
  return [
    role(
      'aws-service-role/stacksets.cloudformation.amazonaws.com/AWSServiceRoleForCloudFormationStackSetsOrgAdmin',
    ),
    role('AWSCloudFormationStackSetAdministrationRole'),
  ];
}
