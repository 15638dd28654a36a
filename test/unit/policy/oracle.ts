/**
 * Test oracle: decisions of @cloud-copilot/iam-simulate (AGPL, test-only) for the native SCP chain
 * and for "allow-all identity policy ∩ compiled boundary".
 */
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument } from '#policy/types.ts';

export const ACCOUNT = '111122223333';
export const PRINCIPAL = `arn:aws-cn:iam::${ACCOUNT}:user/alice`;

export interface OracleRequest {
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
  principal?: string;
}

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

const ALLOW_ALL: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

async function decide(
  request: OracleRequest,
  extra: Partial<Simulation>,
  additionalPolicies: readonly PolicyDocument[] = [],
): Promise<Decision> {
  const simulation: Simulation = {
    request: {
      principal: request.principal ?? PRINCIPAL,
      action: request.action,
      resource: { resource: request.resource, accountId: ACCOUNT },
      contextVariables: request.context,
    },
    identityPolicies: [
      { name: 'allow-all', policy: ALLOW_ALL },
      ...additionalPolicies.map((policy, index) => ({ name: `scp-enforce-policy-${index + 2}`, policy })),
    ],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...extra,
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') throw new Error(`simulation rejected: ${JSON.stringify(result.errors)}`);
  return result.overallResult as Decision;
}

/** Native SCP evaluation: levels root → account; a level without policies gets FullAWSAccess. */
export function nativeDecision(levels: PolicyDocument[][], request: OracleRequest): Promise<Decision> {
  const serviceControlPolicies = levels.map((policies, index) => ({
    orgIdentifier: index === levels.length - 1 ? ACCOUNT : `ou-level-${index}`,
    policies: (policies.length > 0 ? policies : [ALLOW_ALL]).map((policy, n) => ({ name: `p${n}`, policy })),
  }));
  return decide(request, { serviceControlPolicies });
}

/**
 * Allow-all identity policy limited by the boundary; the additional Deny-only policies are attached
 * as identity policies beside it, as a deployment attaches them.
 */
export function boundaryDecision(
  boundary: PolicyDocument,
  request: OracleRequest,
  additionalPolicies: readonly PolicyDocument[] = [],
): Promise<Decision> {
  return decide(
    request,
    { permissionBoundaryPolicies: [{ name: 'scp-enforce-policy', policy: boundary }] },
    additionalPolicies,
  );
}

/** The decision under everything a compile produced: the boundary and its additional policies. */
export function compiledDecision(
  outcome: { policy: PolicyDocument; additionalPolicies: readonly { policy: PolicyDocument }[] },
  request: OracleRequest,
): Promise<Decision> {
  return boundaryDecision(
    outcome.policy,
    request,
    outcome.additionalPolicies.map((extra) => extra.policy),
  );
}

export const isAllowed = (decision: Decision): boolean => decision === 'Allowed';
