/**
 * Plumbing to the test oracle, @cloud-copilot/iam-simulate (AGPL: test code only, never shipped).
 * Inputs are expressed with the evaluator's own types so both sides see exactly the same case.
 */
import {
  createValidatedPolicy,
  type ValidatedPolicy,
  validateIdentityPolicy,
  validateResourcePolicy,
  validateServiceControlPolicy,
} from '@cloud-copilot/iam-policy';
import {
  allowedContextKeysForRequest,
  isConditionKeyArray,
  runSimulation,
  runUnsafeSimulation,
  type Simulation,
  typeForContextKey,
} from '@cloud-copilot/iam-simulate';
import type { Decision, EvaluationRequest, PolicySet } from '#policy/evaluate.ts';

type Validator = typeof validateIdentityPolicy;
const validatedDocuments = new WeakMap<object, Map<Validator, ValidatedPolicy>>();

/**
 * Validation is most of the oracle's cost; a document object reused across requests (a chain, a
 * compiled boundary) is validated once. Invalid documents still surface as oracle errors.
 */
function validated(document: object, validator: Validator): ValidatedPolicy {
  const byValidator = validatedDocuments.get(document) ?? new Map<Validator, ValidatedPolicy>();
  validatedDocuments.set(document, byValidator);
  const cached = byValidator.get(validator) ?? createValidatedPolicy(document, validator);
  byValidator.set(validator, cached);
  return cached;
}

function toSimulation(request: EvaluationRequest, policies: PolicySet): Simulation {
  const simulation: Simulation = {
    request: {
      principal: request.principalArn,
      action: request.action,
      resource: { resource: request.resource, accountId: request.accountId },
      contextVariables: request.context,
    },
    identityPolicies: policies.identityPolicies.map((policy) => ({
      name: policy.source,
      policy: validated(policy.document, validateIdentityPolicy),
    })),
    serviceControlPolicies: policies.scpChain.map((level) => ({
      orgIdentifier: level.level,
      policies: level.policies.map((policy) => ({
        name: policy.source,
        policy: validated(policy.document, validateServiceControlPolicy),
      })),
    })),
    resourceControlPolicies: [],
  };
  if (policies.resourcePolicy) simulation.resourcePolicy = policies.resourcePolicy.document;
  if (policies.permissionsBoundary) {
    const boundary = policies.permissionsBoundary;
    simulation.permissionBoundaryPolicies = [
      { name: boundary.source, policy: validated(boundary.document, validateIdentityPolicy) },
    ];
  }
  return simulation;
}

const DECISIONS: Record<string, Decision> = {
  Allowed: 'Allowed',
  ExplicitlyDenied: 'ExplicitDeny',
  ImplicitlyDenied: 'ImplicitDeny',
};

function toDecision(result: string): Decision {
  const decision = DECISIONS[result];
  if (!decision) throw new Error(`unexpected oracle result '${result}'`);
  return decision;
}

/** Oracle decision without input validation: the request context is used exactly as given. */
export function oracleDecisionAsGiven(request: EvaluationRequest, policies: PolicySet): Decision {
  const simulation = toSimulation(request, policies);
  if (policies.resourcePolicy) {
    // The unvalidated path reads the resource policy's name from a wrapped policy only.
    const { document, source } = policies.resourcePolicy;
    simulation.resourcePolicy = createValidatedPolicy(document, validateResourcePolicy, { name: source });
  }
  return toDecision(runUnsafeSimulation(simulation, {}));
}

/**
 * Oracle decision with iam-simulate's validation: policies and action are checked, context keys
 * that do not apply to the action are dropped and actions without resource types are treated as
 * such. Validation errors throw (a generator bug, not a finding).
 */
export async function oracleDecision(request: EvaluationRequest, policies: PolicySet): Promise<Decision> {
  const outcome = await runSimulation(toSimulation(request, policies), {});
  if (outcome.resultType === 'error') {
    throw new Error(`oracle rejected the case: ${JSON.stringify(outcome.errors).slice(0, 600)}`);
  }
  return toDecision(outcome.overallResult);
}

const allowedKeysCache = new Map<string, Promise<Set<string>>>();

function allowedKeys(action: string, resource: string): Promise<Set<string>> {
  const cacheKey = `${action} ${resource}`;
  const cached = allowedKeysCache.get(cacheKey);
  if (cached) return cached;
  const [service = '', name = ''] = action.split(':');
  const keys = allowedContextKeysForRequest(service, name, resource, false, undefined).then(
    (list) => new Set(list),
  );
  allowedKeysCache.set(cacheKey, keys);
  return keys;
}

/** What runSimulation does to the context: drop keys the action does not have, fix value shapes. */
async function contextAsValidated(request: EvaluationRequest): Promise<EvaluationRequest['context']> {
  const allowed = await allowedKeys(request.action, request.resource);
  const context: EvaluationRequest['context'] = {};
  for (const [key, value] of Object.entries(request.context)) {
    const lower = key.toLowerCase();
    const slash = lower.indexOf('/');
    const prefix = slash === -1 ? undefined : lower.slice(0, slash + 1);
    const known =
      allowed.has(lower) || (prefix !== undefined && [...allowed].some((name) => name.startsWith(prefix)));
    if (!known) continue;
    const isArray = isConditionKeyArray(await typeForContextKey(lower));
    context[key] = isArray ? [value].flat() : Array.isArray(value) ? (value[0] ?? '') : value;
  }
  return context;
}

/**
 * Same decision as oracleDecision, several times faster for requests on a concrete resource ARN:
 * the context is filtered once per action/resource as runSimulation would, then the unvalidated
 * engine decides (resource-type lookup is most of runSimulation's cost). Requests on "*" go
 * through runSimulation, which alone knows the action has no resource types.
 */
export async function fastOracleDecision(request: EvaluationRequest, policies: PolicySet): Promise<Decision> {
  if (request.resource === '*') return oracleDecision(request, policies);
  return oracleDecisionAsGiven({ ...request, context: await contextAsValidated(request) }, policies);
}
