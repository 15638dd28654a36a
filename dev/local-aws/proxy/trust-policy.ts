/**
 * The part of IAM role trust evaluation moto skips on AssumeRole, kept deliberately small:
 * Allow/Deny statements with `Principal.AWS` (ARNs, account ids, `*`), `Action` (the action asked
 * for, e.g. sts:AssumeRole or sts:SetSourceIdentity, or sts:*, *) and conditions with
 * StringEquals/StringLike/ArnEquals/ArnLike (and their IfExists forms absent) on sts:ExternalId,
 * sts:SourceIdentity, aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalOrgID. Anything else
 * (NotPrincipal, NotAction, other keys or operators) never grants access — on doubt the stricter
 * answer.
 */
import { accountRootArn, parseArn } from '#policy/arn.ts';
export interface AssumeRoleRequest {
  /** Caller principal ARN as IAM sees it (a role ARN for a role session). */
  principalArn: string;
  principalAccount: string;
  externalId?: string;
  principalOrgId?: string;
  /** The source identity the new session would carry (asked for, or kept from the caller's). */
  sourceIdentity?: string;
}

export interface TrustDecision {
  allowed: boolean;
  reason: string;
}

interface Statement {
  Effect?: unknown;
  Principal?: unknown;
  Action?: unknown;
  Condition?: unknown;
}

export function evaluateTrustPolicy(
  documentText: string,
  request: AssumeRoleRequest,
  action = 'sts:AssumeRole',
): TrustDecision {
  let document: { Statement?: unknown };
  try {
    document = JSON.parse(documentText) as { Statement?: unknown };
  } catch {
    return { allowed: false, reason: 'trust policy is not JSON' };
  }
  const statements = toArray(document.Statement) as Statement[];
  const matching = statements.filter((statement) => statementMatches(statement, request, action));
  if (matching.some((statement) => statement.Effect === 'Deny'))
    return { allowed: false, reason: 'explicit deny' };
  if (matching.some((statement) => statement.Effect === 'Allow')) return { allowed: true, reason: 'allowed' };
  return { allowed: false, reason: 'no statement allows the caller' };
}

function statementMatches(statement: Statement, request: AssumeRoleRequest, action: string): boolean {
  return (
    actionMatches(statement.Action, action) &&
    principalMatches(statement.Principal, request) &&
    conditionsHold(statement.Condition, request)
  );
}

function actionMatches(actions: unknown, action: string): boolean {
  return toArray(actions).some((value) =>
    [action.toLowerCase(), 'sts:*', '*'].includes(String(value).toLowerCase()),
  );
}

function principalMatches(principal: unknown, request: AssumeRoleRequest): boolean {
  if (principal === '*') return true;
  if (typeof principal !== 'object' || principal === null) return false;
  const aws = toArray((principal as { AWS?: unknown }).AWS).map(String);
  const partition = parseArn(request.principalArn)?.partition ?? '';
  return aws.some(
    (entry) =>
      entry === '*' ||
      entry === request.principalArn ||
      entry === request.principalAccount ||
      entry === accountRootArn(partition, request.principalAccount),
  );
}

const OPERATORS: Record<string, (actual: string, expected: string) => boolean> = {
  stringequals: (actual, expected) => actual === expected,
  stringlike: (actual, expected) => globToRegExp(expected).test(actual),
  arnequals: (actual, expected) => actual === expected,
  arnlike: (actual, expected) => globToRegExp(expected).test(actual),
};

function conditionsHold(condition: unknown, request: AssumeRoleRequest): boolean {
  if (condition === undefined) return true;
  if (typeof condition !== 'object' || condition === null) return false;
  return Object.entries(condition).every(([operator, keys]) => {
    const compare = OPERATORS[operator.toLowerCase()];
    if (!compare || typeof keys !== 'object' || keys === null) return false;
    return Object.entries(keys).every(([key, expected]) => {
      const actual = contextValue(key, request);
      return actual !== undefined && toArray(expected).some((value) => compare(actual, String(value)));
    });
  });
}

function contextValue(key: string, request: AssumeRoleRequest): string | undefined {
  switch (key.toLowerCase()) {
    case 'sts:externalid':
      return request.externalId;
    case 'sts:sourceidentity':
      return request.sourceIdentity;
    case 'aws:principalarn':
      return request.principalArn;
    case 'aws:principalaccount':
      return request.principalAccount;
    case 'aws:principalorgid':
      return request.principalOrgId;
    default:
      return undefined;
  }
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${escaped}$`);
}

function toArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
