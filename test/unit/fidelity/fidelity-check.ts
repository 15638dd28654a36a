/**
 * The fidelity comparison for one compiled chain and one request: the oracle decides the request
 * under the native SCP chain and under the compiled boundary, in two scenarios:
 *  - identity: an identity policy allows everything;
 *  - resource-grant: no identity policy, a same-account resource policy names the caller directly
 *    (the case where an allow-only boundary would leak: its implicit deny does not apply).
 * Only "allowed or not" is compared: a level without a matching Allow denies implicitly natively
 * and explicitly in the boundary, by design.
 */
import type { EvaluationRequest, NamedPolicy, PolicySet } from '#policy/evaluate.ts';
import { compileBoundary, defaultBoundaryParameters } from '#policy/index.ts';
import type { CompileInput, CompileOutcome, PolicyDocument } from '#policy/types.ts';
import type { ChainSpec } from './chain-generators.ts';
import { fastOracleDecision as oracleDecision } from './oracle.ts';
import { ACCOUNT_ID, PARTITION } from './request-pool.ts';

export type Scenario = 'identity' | 'resource-grant';
export const SCENARIOS: Scenario[] = ['identity', 'resource-grant'];

export interface Mismatch {
  scenario: Scenario;
  request: EvaluationRequest;
  native: string;
  boundary: string;
}

const FULL_AWS_ACCESS = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

function fileKey(target: string, name: string, policiesAtLevel: number): string {
  const folder = 'permission-boundary-policy/';
  return policiesAtLevel === 1 ? `${folder}${target}.json` : `${folder}${target}/${name}.json`;
}

export function compileChain(spec: ChainSpec): CompileOutcome {
  const input: CompileInput = {
    params: defaultBoundaryParameters({ partition: PARTITION, accountId: ACCOUNT_ID }),
    chain: spec.levels.map(({ target, policies }) => ({
      target,
      sources: policies.map((policy) => ({
        key: fileKey(target, policy.name, policies.length),
        body: JSON.stringify(policy.document, null, 2),
      })),
    })),
  };
  return compileBoundary(input);
}

/** The chain as native SCPs: placeholders replaced, a level without files gets FullAWSAccess. */
export function nativeScpChain(spec: ChainSpec): PolicySet['scpChain'] {
  return spec.levels.map(({ target, policies }) => ({
    level: target,
    policies:
      policies.length === 0
        ? [{ source: 'FullAWSAccess', document: structuredClone(FULL_AWS_ACCESS) as NamedPolicy['document'] }]
        : policies.map((policy) => ({
            source: fileKey(target, policy.name, policies.length),
            document: JSON.parse(JSON.stringify(policy.document).replaceAll('<ACCOUNT_ID>', ACCOUNT_ID)),
          })),
  }));
}

const ALLOW_ALL_IDENTITY: NamedPolicy = {
  source: 'AllowAll',
  document: FULL_AWS_ACCESS as NamedPolicy['document'],
};

/**
 * The identity policies and resource policy of a scenario; `attached` are the Deny-only policies a
 * deployment attaches beside the boundary (none on the native side).
 */
function scenarioPolicies(
  scenario: Scenario,
  request: EvaluationRequest,
  attached: NamedPolicy[] = [],
): Omit<PolicySet, 'scpChain'> {
  if (scenario === 'identity') return { identityPolicies: [ALLOW_ALL_IDENTITY, ...attached] };
  const grant = {
    Effect: 'Allow' as const,
    Principal: { AWS: request.principalArn },
    Action: request.action,
    Resource: request.resource,
  };
  return {
    identityPolicies: attached,
    resourcePolicy: { source: 'resource-policy', document: { Version: '2012-10-17', Statement: [grant] } },
  };
}

export interface Comparison {
  mismatches: Mismatch[];
  /** The native decision in the identity scenario (to show both outcomes are exercised). */
  allowedNatively: boolean;
}

/** What a compile produced: the boundary and the additional policies attached beside it. */
export interface CompiledPolicies {
  policy: PolicyDocument;
  additionalPolicies: { name: string; policy: PolicyDocument }[];
}

/** Decisions under the native chain and under the compiled policies, for every scenario. */
export async function compareDecisions(
  scpChain: PolicySet['scpChain'],
  compiled: CompiledPolicies,
  request: EvaluationRequest,
): Promise<Comparison> {
  const mismatches: Mismatch[] = [];
  let allowedNatively = false;
  const attached = compiled.additionalPolicies.map(({ name, policy }) => ({
    source: name,
    document: policy as NamedPolicy['document'],
  }));
  for (const scenario of SCENARIOS) {
    const native = await oracleDecision(request, { ...scenarioPolicies(scenario, request), scpChain });
    if (scenario === 'identity') allowedNatively = native === 'Allowed';
    const permissionsBoundary = {
      source: 'scp-enforce-policy',
      document: compiled.policy as NamedPolicy['document'],
    };
    const withAttached = scenarioPolicies(scenario, request, attached);
    const bounded = await oracleDecision(request, { ...withAttached, scpChain: [], permissionsBoundary });
    if ((native === 'Allowed') !== (bounded === 'Allowed'))
      mismatches.push({ scenario, request, native, boundary: bounded });
  }
  return { mismatches, allowedNatively };
}
