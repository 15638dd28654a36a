/**
 * Action, resource and principal matching of one statement against a request.
 * Actions: `service:Action` with `*`/`?`, case-insensitive. Resources: ARN globs, case-sensitive,
 * policy variables allowed. Principals: the Principal / NotPrincipal element of resource policies.
 */

import { matchesGlob } from './action-pattern.ts';
import { accountOfArn } from './arn.ts';
import { asList, iamPattern, type RequestContext } from './evaluate-strings.ts';
import type { EvaluatedStatement, PrincipalElement } from './evaluate-types.ts';

function singleActionMatches(pattern: string, action: string): boolean {
  if (pattern === '*') return true;
  const [patternService, patternName, ...extra] = pattern.split(':');
  const [service, name] = action.split(':');
  if (extra.length > 0 || !patternName || /\s/.test(patternName) || name === undefined) return false;
  return patternService?.toLowerCase() === service?.toLowerCase() && matchesGlob(patternName, name);
}

export function actionMatches(statement: EvaluatedStatement, action: string): boolean {
  if (statement.Action !== undefined) {
    return asList(statement.Action).some((pattern) => singleActionMatches(pattern, action));
  }
  if (statement.NotAction !== undefined) {
    return !asList(statement.NotAction).some((pattern) => singleActionMatches(pattern, action));
  }
  return false;
}

type ResourceTest = 'match' | 'nomatch' | 'unresolved';

/** Splits an ARN into partition, service, region, account and the resource part (which may hold colons). */
function arnPieces(arn: string): string[] {
  const parts = arn.split(':');
  while (parts.length < 6) parts.push('*');
  return [...parts.slice(1, 5), parts.slice(5).join(':')];
}

/**
 * The resource-type prefix of an ARN's resource part ('role/', 'function:'), which IAM compares
 * literally (no wildcards or variables there). S3 bucket/object ARNs have none.
 */
function resourceTypePrefix(pieces: string[]): string {
  const [, service, region, account, resourcePart = ''] = pieces;
  if (service === 's3' && region === '' && account === '') return '';
  const separator = resourcePart.search(/[/:]/);
  return separator === -1 ? '' : resourcePart.slice(0, separator + 1);
}

function singleResourceMatches(pattern: string, resource: string, context: RequestContext): ResourceTest {
  if (pattern === '*') return 'match';
  // A request for "all resources" (actions without resource types) is only covered by "*".
  if (resource === '*' || !pattern.startsWith('arn:') || !resource.startsWith('arn:')) return 'nomatch';
  const patternPieces = arnPieces(pattern);
  const resourcePieces = arnPieces(resource);
  const prefix = resourceTypePrefix(patternPieces);
  const comparisons = patternPieces.map((piece, index) => ({ piece, value: resourcePieces[index] ?? '' }));
  const last = comparisons[4];
  if (last) {
    // The literal type prefix decides before any variable in the resource id is looked at.
    if (!last.value.startsWith(prefix)) return 'nomatch';
    comparisons[4] = { piece: last.piece.slice(prefix.length), value: last.value.slice(prefix.length) };
  }
  for (const { piece, value } of comparisons) {
    const regex = iamPattern(piece, context, { wildcards: true });
    if (!regex) return 'unresolved';
    if (!regex.test(value)) return 'nomatch';
  }
  return 'match';
}

/**
 * Resource / NotResource of a statement. A value whose policy variable cannot be resolved matches
 * nothing, and in NotResource it does not prove the request is outside the set either.
 */
export function resourceMatches(
  statement: EvaluatedStatement,
  resource: string,
  context: RequestContext,
): boolean {
  if (statement.Resource !== undefined) {
    return asList(statement.Resource).some(
      (pattern) => singleResourceMatches(pattern, resource, context) === 'match',
    );
  }
  if (statement.NotResource !== undefined) {
    return asList(statement.NotResource).every(
      (pattern) => singleResourceMatches(pattern, resource, context) === 'nomatch',
    );
  }
  return true;
}

/**
 * How a resource policy's Principal names the caller. `direct` means the caller's own ARN (user,
 * role, role session) or `*`; `roleOfSession` the role ARN of the calling session; `account` the
 * caller's account.
 */
export type PrincipalMatch = 'direct' | 'roleOfSession' | 'account' | 'none';

const ACCOUNT_PRINCIPAL = /^(\d{12})$|^arn:[^:]+:iam::(\d{12}):root$/;
const ROLE_ARN = /^arn:([^:]+):iam::(\d{12}):role\/(.+)$/;
const SESSION_ARN = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/;

function roleOfSessionMatches(principal: string, caller: string): boolean {
  const role = ROLE_ARN.exec(principal);
  const session = SESSION_ARN.exec(caller);
  if (!role || !session || role[1] !== session[1] || role[2] !== session[2]) return false;
  const roleName = role[3]?.split('/').at(-1) ?? '';
  return roleName.toLowerCase() === session[3]?.toLowerCase();
}

function singlePrincipalMatch(principal: string, caller: string): PrincipalMatch {
  if (principal === '*') return 'direct';
  const account = ACCOUNT_PRINCIPAL.exec(principal);
  if (account) return (account[1] ?? account[2]) === accountOfArn(caller) ? 'account' : 'none';
  if (principal === caller) return 'direct';
  return roleOfSessionMatches(principal, caller) ? 'roleOfSession' : 'none';
}

const STRENGTH: PrincipalMatch[] = ['direct', 'roleOfSession', 'account', 'none'];

function elementMatch(element: PrincipalElement, caller: string): PrincipalMatch {
  if (element === '*') return 'direct';
  const matches = [
    ...asList(element.AWS).map((principal) => singlePrincipalMatch(principal, caller)),
    ...asList(element.Service).map((service): PrincipalMatch => (service === caller ? 'direct' : 'none')),
    ...asList(element.Federated).map(
      (federated): PrincipalMatch => (federated === caller ? 'direct' : 'none'),
    ),
  ];
  return STRENGTH.find((strength) => matches.includes(strength)) ?? 'none';
}

/**
 * Principal / NotPrincipal of a resource policy statement. IAM documents that a Deny with
 * NotPrincipal always applies to a principal that has a permissions boundary.
 */
export function principalMatch(
  statement: EvaluatedStatement,
  caller: string,
  callerHasBoundary: boolean,
): PrincipalMatch {
  if (statement.Principal !== undefined) return elementMatch(statement.Principal, caller);
  if (statement.NotPrincipal === undefined) return 'none';
  if (callerHasBoundary && statement.Effect === 'Deny') return 'direct';
  return elementMatch(statement.NotPrincipal, caller) === 'none' ? 'direct' : 'none';
}
