/**
 * `simulate`'s decision for one request in one account, with our evaluator (shared/policy/
 * evaluate.ts): the request is checked against the account's SCP chain as native SCPs would
 * check it (the files, so a denial names its file and statement), against scp-alt's protective
 * statements, and against the compiled policies that are actually enforced: the boundary, and the
 * additional policies as identity policies beside it (their explicit Denies are as final). The
 * principal is assumed to hold AdministratorAccess, so only the chain and those can deny.
 */
import {
  type DecidingStatement,
  type EvaluationRequest,
  type EvaluationResult,
  evaluateRequest,
  type NamedPolicy,
  type ScpChainLevel,
} from '#policy/evaluate.ts';
import {
  type BoundaryParameters,
  compileBoundary,
  type PolicyDocument,
  type PolicyFinding,
  type PolicySource,
  protectiveStatements,
  substituteAccountId,
} from '#policy/index.ts';

export interface ChainInput {
  /** Levels root → account with the raw files of each (placeholders not yet substituted). */
  chain: { target: string; sources: PolicySource[] }[];
  params: BoundaryParameters;
  /** As the deployment's MaxAdditionalPolicies; the compiler's default when absent. */
  maxAdditionalPolicies?: number;
}

export interface SimulationInput extends ChainInput {
  request: EvaluationRequest;
}

/** An account's chain made ready once, for deciding any number of requests. */
export interface PreparedChain {
  levels: ScpChainLevel[];
  protective: PolicyDocument;
  boundary: PolicyDocument;
  /** scp-enforce-policy-2, …: identity policies of every bounded principal, beside the boundary. */
  additional: NamedPolicy[];
}

export type DeniedBy = 'scp-file' | 'protective' | 'boundary';

export interface LevelAllow {
  level: string;
  file: string;
  sid?: string;
  index: number;
}

export interface SimulationResult {
  decision: 'Allowed' | 'Denied';
  /** ExplicitDeny / ImplicitDeny for denials, as IAM names them. */
  evaluation: EvaluationResult['decision'];
  deniedBy: DeniedBy | null;
  /** The Deny that decided; for an implicit deny the level where no Allow matched. */
  deciding: (DecidingStatement & { file: string }) | null;
  implicitDenyLevel: { level: string; files: string[] } | null;
  /** For allowed requests: the Allow that matched at every level of the chain. */
  allowedBy: LevelAllow[];
  /** Whether the compiled policies (boundary and additional) decide as the chain plus protective statements do. */
  boundaryAgrees: boolean;
  boundaryDecision: EvaluationResult['decision'];
}

export type SimulationOutcome =
  | { ok: true; result: SimulationResult }
  | { ok: false; errors: PolicyFinding[] };
export type PreparedOutcome = { ok: true; prepared: PreparedChain } | { ok: false; errors: PolicyFinding[] };

const ALLOW_ALL = { Effect: 'Allow', Action: '*', Resource: '*' } as const;
export const FULL_AWS_ACCESS = 'FullAWSAccess (no file at this level)';
const ADMINISTRATOR: NamedPolicy = {
  source: 'AdministratorAccess (assumed identity policy)',
  document: { Statement: [ALLOW_ALL] },
};
export const BOUNDARY_SOURCE = 'scp-enforce-policy';
const PROTECTIVE_SOURCE = 'scp-enforce-policy (protective statements)';

function chainLevels(input: ChainInput): ScpChainLevel[] {
  const accountId = input.params.accountId;
  return input.chain.map((level) => ({
    level: level.target,
    policies:
      level.sources.length === 0
        ? [{ source: FULL_AWS_ACCESS, document: { Statement: [ALLOW_ALL] } }]
        : level.sources.map((source) => ({
            source: source.key,
            // Safe: the chain compiled, so every file parsed and validated.
            document: JSON.parse(substituteAccountId(source.body, accountId)) as NamedPolicy['document'],
          })),
  }));
}

/** Each level alone, its files acting as the only policies: names the Allow that matched there. */
function levelAllows(request: EvaluationRequest, levels: ScpChainLevel[]): LevelAllow[] {
  return levels.flatMap((level) => {
    const alone = evaluateRequest(request, { scpChain: [], identityPolicies: level.policies });
    if (alone.decision !== 'Allowed' || !alone.deciding) return [];
    const { source, sid, index } = alone.deciding;
    return [{ level: level.level, file: source, index, ...(sid === undefined ? {} : { sid }) }];
  });
}

/** An administrator bounded by `document`, also holding the `beside` policies (explicit Denies only). */
function boundaryOnly(
  request: EvaluationRequest,
  source: string,
  document: PolicyDocument,
  beside: NamedPolicy[] = [],
): EvaluationResult {
  return evaluateRequest(request, {
    scpChain: [],
    identityPolicies: [ADMINISTRATOR, ...beside],
    permissionsBoundary: { source, document },
  });
}

/** Compiles the boundary and additional policies and reads the chain's files; errors when the chain does not compile. */
export function prepareChain(input: ChainInput): PreparedOutcome {
  const compiled = compileBoundary({
    chain: input.chain,
    params: input.params,
    ...(input.maxAdditionalPolicies === undefined
      ? {}
      : { maxAdditionalPolicies: input.maxAdditionalPolicies }),
  });
  if (!compiled.ok) return { ok: false, errors: compiled.errors };
  const protective: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [ALLOW_ALL, ...protectiveStatements(input.params)],
  };
  const additional = compiled.additionalPolicies.map(({ name, policy }) => ({
    source: name,
    document: policy,
  }));
  return {
    ok: true,
    prepared: { levels: chainLevels(input), protective, boundary: compiled.policy, additional },
  };
}

export function simulateAccess(input: SimulationInput): SimulationOutcome {
  const prepared = prepareChain(input);
  if (!prepared.ok) return prepared;
  return { ok: true, result: decideRequest(prepared.prepared, input.request) };
}

export function decideRequest(prepared: PreparedChain, request: EvaluationRequest): SimulationResult {
  const { levels } = prepared;
  const chain = evaluateRequest(request, { scpChain: levels, identityPolicies: [ADMINISTRATOR] });
  const protective = boundaryOnly(request, PROTECTIVE_SOURCE, prepared.protective);
  const boundary = boundaryOnly(request, BOUNDARY_SOURCE, prepared.boundary, prepared.additional);
  const expected = chain.decision === 'Allowed' && protective.decision === 'Allowed';
  const agreement = {
    boundaryAgrees: expected === (boundary.decision === 'Allowed'),
    boundaryDecision: boundary.decision,
  };
  const denial = (
    deniedBy: DeniedBy,
    result: EvaluationResult,
    implicitDenyLevel: SimulationResult['implicitDenyLevel'] = null,
  ): SimulationResult => ({
    decision: 'Denied',
    evaluation: result.decision,
    deniedBy,
    deciding: result.deciding ? { ...result.deciding, file: result.deciding.source } : null,
    implicitDenyLevel,
    allowedBy: [],
    ...agreement,
  });
  if (chain.decision !== 'Allowed') {
    const level = chain.scpLevel;
    const files = levels.find((candidate) => candidate.level === level)?.policies.map((p) => p.source) ?? [];
    return denial('scp-file', chain, level === undefined ? null : { level, files });
  }
  if (protective.decision !== 'Allowed') return denial('protective', protective);
  if (boundary.decision !== 'Allowed') return denial('boundary', boundary);
  return {
    decision: 'Allowed',
    evaluation: 'Allowed',
    deniedBy: null,
    deciding: null,
    implicitDenyLevel: null,
    allowedBy: levelAllows(request, levels),
    ...agreement,
  };
}
