/**
 * A small IAM request evaluator for `scp-alt simulate`: pure, no AWS SDK.
 *
 * Order (IAM user guide, "Policy evaluation logic"): an explicit Deny in any policy denies; the SCP
 * chain needs an Allow at every level; the request needs an Allow from the identity policies or
 * from a resource policy naming the caller (cross-account: both); a permissions boundary must allow
 * too, except that in the same account a resource policy naming the IAM user or role session ARN
 * directly is not limited by the boundary's implicit deny (only by an explicit Deny).
 */
import { accountOfArn } from './arn.ts';
import { conditionsMatch } from './evaluate-conditions.ts';
import { actionMatches, type PrincipalMatch, principalMatch, resourceMatches } from './evaluate-match.ts';
import { asList, type RequestContext, requestContext } from './evaluate-strings.ts';
import type {
  DecidingStatement,
  EvaluatedStatement,
  EvaluationRequest,
  EvaluationResult,
  EvaluationStage,
  NamedPolicy,
  PolicySet,
  ScpChainLevel,
} from './evaluate-types.ts';

export type * from './evaluate-types.ts';

interface Evaluation {
  request: EvaluationRequest;
  context: RequestContext;
}

interface MatchedStatement {
  statement: EvaluatedStatement;
  deciding: DecidingStatement;
}

function statementApplies(statement: EvaluatedStatement, evaluation: Evaluation): boolean {
  const { request, context } = evaluation;
  return (
    actionMatches(statement, request.action) &&
    resourceMatches(statement, request.resource, context) &&
    conditionsMatch(statement.Condition, context)
  );
}

/** Statements of the policies that apply to the request, in document order. */
function matchingStatements(
  policies: NamedPolicy[],
  evaluation: Evaluation,
  level?: string,
): MatchedStatement[] {
  return policies.flatMap((policy) =>
    asList(policy.document.Statement).flatMap((statement, index) => {
      if (!statementApplies(statement, evaluation)) return [];
      const deciding: DecidingStatement = { source: policy.source, index };
      if (statement.Sid !== undefined) deciding.sid = statement.Sid;
      if (level !== undefined) deciding.level = level;
      return [{ statement, deciding }];
    }),
  );
}

interface PolicyVerdict {
  allow: DecidingStatement | undefined;
  deny: DecidingStatement | undefined;
}

function verdictOf(matches: MatchedStatement[]): PolicyVerdict {
  return {
    allow: matches.find((match) => match.statement.Effect === 'Allow')?.deciding,
    deny: matches.find((match) => match.statement.Effect === 'Deny')?.deciding,
  };
}

interface ScpVerdict {
  deny: DecidingStatement | undefined;
  /** First level without a matching Allow. */
  levelWithoutAllow: string | undefined;
}

function scpVerdict(chain: ScpChainLevel[], evaluation: Evaluation): ScpVerdict {
  const levels = chain.map((level) => ({
    level: level.level,
    verdict: verdictOf(matchingStatements(level.policies, evaluation, level.level)),
  }));
  return {
    deny: levels.find(({ verdict }) => verdict.deny)?.verdict.deny,
    levelWithoutAllow: levels.find(({ verdict }) => !verdict.allow)?.level,
  };
}

interface ResourcePolicyVerdict {
  deny: DecidingStatement | undefined;
  /** Allow naming the caller (its ARN, `*`, or the role of its session). */
  callerAllow: DecidingStatement | undefined;
  /** Allow naming the caller's ARN itself: the grant a boundary's implicit deny does not stop. */
  boundaryBypass: DecidingStatement | undefined;
  accountAllow: DecidingStatement | undefined;
}

function isIamRoleArn(arn: string): boolean {
  return /^arn:[^:]+:iam::\d{12}:role\//.test(arn);
}

/** A role ARN (not a session) is only named "directly" by a wildcard principal. */
function hasWildcardPrincipal(statement: EvaluatedStatement): boolean {
  const principal = statement.Principal;
  return principal === '*' || (principal !== undefined && asList(principal.AWS).includes('*'));
}

function resourcePolicyVerdict(policySet: PolicySet, evaluation: Evaluation): ResourcePolicyVerdict {
  const none: ResourcePolicyVerdict = {
    deny: undefined,
    callerAllow: undefined,
    boundaryBypass: undefined,
    accountAllow: undefined,
  };
  if (!policySet.resourcePolicy) return none;
  const caller = evaluation.request.principalArn;
  const hasBoundary = policySet.permissionsBoundary !== undefined;
  const matches = matchingStatements([policySet.resourcePolicy], evaluation).map((match) => ({
    ...match,
    principal: principalMatch(match.statement, caller, hasBoundary),
  }));
  const find = (effect: 'Allow' | 'Deny', kinds: PrincipalMatch[]) =>
    matches.find((match) => match.statement.Effect === effect && kinds.includes(match.principal))?.deciding;
  return {
    deny: find('Deny', ['direct', 'roleOfSession', 'account']),
    callerAllow: find('Allow', ['direct', 'roleOfSession']),
    boundaryBypass: matches.find(
      (match) =>
        match.statement.Effect === 'Allow' &&
        match.principal === 'direct' &&
        (!isIamRoleArn(caller) || hasWildcardPrincipal(match.statement)),
    )?.deciding,
    accountAllow: find('Allow', ['account']),
  };
}

function denied(stage: EvaluationStage, deciding: DecidingStatement | undefined): EvaluationResult {
  return { decision: deciding ? 'ExplicitDeny' : 'ImplicitDeny', deciding, deniedBy: stage };
}

/** Evaluates one request against a policy set and names the statement that decided it. */
export function evaluateRequest(request: EvaluationRequest, policySet: PolicySet): EvaluationResult {
  const evaluation: Evaluation = { request, context: requestContext(request.context) };
  const scp = scpVerdict(policySet.scpChain, evaluation);
  const resource = resourcePolicyVerdict(policySet, evaluation);
  const identity = verdictOf(matchingStatements(policySet.identityPolicies, evaluation));
  const boundary = policySet.permissionsBoundary
    ? verdictOf(matchingStatements([policySet.permissionsBoundary], evaluation))
    : undefined;

  if (scp.deny) return denied('scp', scp.deny);
  if (resource.deny) return denied('resource', resource.deny);
  if (identity.deny) return denied('identity', identity.deny);
  if (boundary?.deny) return denied('boundary', boundary.deny);

  const sameAccount = accountOfArn(request.principalArn) === request.accountId;
  const grant = sameAccount
    ? (resource.callerAllow ?? identity.allow)
    : identity.allow && (resource.callerAllow ?? resource.accountAllow);
  if (!grant) return denied(policySet.resourcePolicy && !sameAccount ? 'resource' : 'identity', undefined);
  if (scp.levelWithoutAllow !== undefined) {
    return { ...denied('scp', undefined), scpLevel: scp.levelWithoutAllow };
  }
  if (boundary && !boundary.allow) {
    if (!sameAccount || !resource.boundaryBypass) return denied('boundary', undefined);
    return { decision: 'Allowed', deciding: resource.boundaryBypass };
  }
  return { decision: 'Allowed', deciding: grant };
}
