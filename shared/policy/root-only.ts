/**
 * Statements that can only ever apply to an account's root user. Permissions boundaries never
 * apply to the root user, so such a statement decides nothing for any principal a boundary
 * governs, and the compiler leaves it out (with a warning: the root user needs protecting by other
 * means). Native SCPs do restrict the root user; that is a stated limitation.
 *
 * Recognised: a condition clause that requires `aws:PrincipalArn` to be the root ARN. Principal ARNs
 * of users and roles end in `/<name>`, and IAM names cannot hold ':', so a value whose last part is
 * the literal `:root` can only match the root user's ARN (`arn:<partition>:iam::<account>:root`).
 */
import { hasWildcard } from './catalog-index.ts';
import { parseConditionOperator } from './condition-operators.ts';
import type { ConditionClause, NormalisedStatement } from './parse.ts';

/** Operators that are true only when the key is present and matches one of the values. */
const MATCHING_ONLY = new Set([
  'StringEquals',
  'StringEqualsIgnoreCase',
  'StringLike',
  'ArnEquals',
  'ArnLike',
]);

function isRootArnValue(value: string): boolean {
  if (!value.endsWith(':root')) return false;
  // The characters before ':root' must be literal: '*root' or '?root' could match 'user/root'.
  return !hasWildcard(value.slice(-':root'.length));
}

function requiresRootPrincipal(clause: ConditionClause): boolean {
  if (clause.key.toLowerCase() !== 'aws:principalarn') return false;
  const operator = parseConditionOperator(clause.operator);
  if (!operator || operator.qualifier || operator.ifExists || !MATCHING_ONLY.has(operator.base)) return false;
  return clause.values.length > 0 && clause.values.every(isRootArnValue);
}

/** True when the statement matches requests of the root user only (its conditions are a conjunction). */
export function appliesOnlyToRootUser(statement: NormalisedStatement): boolean {
  return statement.conditions.some(requiresRootPrincipal);
}
