/**
 * `simulate` must decide as @cloud-copilot/iam-simulate (the test oracle) decides the same request
 * under the account's native SCP chain plus the compiled boundary, for an administrator principal.
 * Corpus: the fidelity suite's generated chains and requests (some shapes left out, see below),
 * plus requests the protective statements act on (boundary edits, creates without the boundary,
 * edits of our policy).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeSimulateCommand } from '#cli/commands/simulate.ts';
import { runCli } from '#cli/main.ts';
import { exemptionOf } from '#cli/operator/exemption-reasons.ts';
import { decideRequest, prepareChain, simulateAccess } from '#cli/operator/simulate-access.ts';
import { parseContext } from '#cli/operator/simulate-request.ts';
import type { EvaluationRequest, NamedPolicy, PolicySet } from '#policy/evaluate.ts';
import { compileBoundary, defaultBoundaryParameters, type PolicySource } from '#policy/index.ts';
import { type ChainSpec, chainSpec, fidelityRequest } from '../fidelity/chain-generators.ts';
import { nativeScpChain } from '../fidelity/fidelity-check.ts';
import { oracleDecisionAsGiven } from '../fidelity/oracle.ts';
import { ACCOUNT_ID, PARTITION } from '../fidelity/request-pool.ts';
import { fakeIo, offlineEnvironment } from './helpers.ts';

// The whitelist `scp-alt simulate` assumes by default, so both sides compile the same boundary.
const params = defaultBoundaryParameters({
  partition: PARTITION,
  accountId: ACCOUNT_ID,
  whitelistRoleNames: ['stacksets-exec-*'],
});
const ADMIN: NamedPolicy = {
  source: 'admin',
  document: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};
const role = (name: string) => `arn:${PARTITION}:iam::${ACCOUNT_ID}:role/${name}`;
const OUR_POLICY = `arn:${PARTITION}:iam::${ACCOUNT_ID}:policy/scp-enforce-policy`;

/** Requests the protective statements decide, by an ordinary role and by the exempt access role. */
const protectedRequest: fc.Arbitrary<EvaluationRequest> = fc
  .record({
    caller: fc.constantFrom(role('Developer'), role('OrganizationAccountAccessRole')),
    target: fc.constantFrom(
      ['iam:DeleteRolePermissionsBoundary', role('app')],
      ['iam:PutRolePermissionsBoundary', role('app')],
      ['iam:CreateRole', role('new-role')],
      ['iam:CreateUser', `arn:${PARTITION}:iam::${ACCOUNT_ID}:user/new-user`],
      ['iam:CreatePolicyVersion', OUR_POLICY],
      ['iam:DeletePolicy', OUR_POLICY],
      ['iam:GetRole', role('app')],
    ),
    boundary: fc.constantFrom(OUR_POLICY, `arn:${PARTITION}:iam::${ACCOUNT_ID}:policy/other`, undefined),
  })
  .map(({ caller, target: [action, resource], boundary }) => ({
    action: action ?? '',
    resource: resource ?? '*',
    principalArn: caller,
    accountId: ACCOUNT_ID,
    context: {
      'aws:PrincipalArn': caller,
      'aws:PrincipalAccount': ACCOUNT_ID,
      'aws:RequestedRegion': 'cn-north-1',
      ...(boundary ? { 'iam:PermissionsBoundary': boundary } : {}),
    },
  }));

/**
 * Left out, as in the evaluator's own agreement test: kms and sts actions (iam-simulate adds their
 * service-specific trust: a key policy or role trust policy must grant too; simulate answers for
 * the chain only), and requests on "*" (actions without resource types, which the oracle only
 * models on its validating path, where it also rewrites the request context).
 */
const chainRequest = fidelityRequest.filter(
  (request) => !/^(kms|sts):/.test(request.action) && request.resource !== '*',
);
const corpusRequest = fc.oneof(
  { weight: 3, arbitrary: chainRequest },
  { weight: 1, arbitrary: protectedRequest },
);

function fileKey(target: string, name: string): string {
  return `permission-boundary-policy/${target}/${name}.json`;
}

function chainInput(spec: ChainSpec): { target: string; sources: PolicySource[] }[] {
  return spec.levels.map(({ target, policies }) => ({
    target,
    sources: policies.map((policy) => ({
      key: fileKey(target, policy.name),
      body: JSON.stringify(policy.document),
    })),
  }));
}

const oracleSets = new WeakMap<ChainSpec, PolicySet>();

/** One policy set per chain, so the oracle validates its documents once, not once per request. */
function oracleAllows(spec: ChainSpec, request: EvaluationRequest): boolean {
  let set = oracleSets.get(spec);
  if (!set) {
    set = {
      scpChain: nativeScpChain(spec),
      identityPolicies: [ADMIN],
      permissionsBoundary: { source: 'scp-enforce-policy', document: simulateBoundary(spec) },
    };
    oracleSets.set(spec, set);
  }
  return oracleDecisionAsGiven(request, set) === 'Allowed';
}

const SEED = Number(process.env.SIMULATE_AGREEMENT_SEED ?? 20261001);

describe('simulate agrees with iam-simulate', () => {
  it('decides every generated (chain, request) case as the oracle does', () => {
    // Given generated SCP chains and requests, including ones the protective statements act on
    // Chains the compiler refuses (a compile error naming the file) are counted, not simulated.
    const tally = { cases: 0, allowed: 0, denied: 0, protective: 0, uncompilable: 0 };
    fc.assert(
      fc.property(chainSpec, fc.array(corpusRequest, { minLength: 8, maxLength: 8 }), (spec, requests) => {
        const prepared = prepareChain({ chain: chainInput(spec), params });
        if (!prepared.ok) {
          tally.uncompilable++;
          return;
        }
        for (const request of requests) {
          // When simulate decides the request
          const result = decideRequest(prepared.prepared, request);
          tally.cases++;
          tally[result.decision === 'Allowed' ? 'allowed' : 'denied']++;
          if (result.deniedBy === 'protective') tally.protective++;
          // Then the oracle reaches the same decision, and the boundary agrees with the chain
          expect(result.decision === 'Allowed').toBe(oracleAllows(spec, request));
          expect(result.boundaryAgrees).toBe(true);
        }
      }),
      { numRuns: 800, seed: SEED },
    );
    console.log(`simulate agreement: ${tally.cases} cases agree with iam-simulate, 0 disagree`, tally);
    expect(tally.cases).toBeGreaterThan(3_000);
    // Every kind of answer is exercised, so the agreement is not vacuous.
    expect(Math.min(tally.allowed, tally.denied, tally.protective)).toBeGreaterThan(100);
  });

  it('gives the same decision through the command line (offline, --json) as the oracle', async () => {
    // Given generated chains written as policy folders
    const samples = fc.sample(fc.tuple(chainSpec, corpusRequest), { numRuns: 200, seed: SEED });
    let agreed = 0;
    for (const [spec, request] of samples) {
      const dir = writeChain(spec);
      const compiled = simulateAccess({ request, chain: chainInput(spec), params });
      if (!compiled.ok) continue;
      // When `scp-alt simulate --json` decides the request
      const io = fakeIo();
      const code = await runCli(simulateArgs(dir, spec, request), io, [
        makeSimulateCommand(offlineEnvironment),
      ]);
      const answer = JSON.parse(io.out()) as { decision: string; chain?: { decision: string } };
      // Then exit code and decision match the oracle (on the context as the command line spells it);
      // an exempt principal (the organization access role) carries no boundary: it is answered
      // Exempt (exit 0), with the chain's own decision beside it
      const asTyped = { ...request, context: parseContext(contextPairs(request)) };
      const allowed = oracleAllows(spec, asTyped);
      const exempt = exemptionOf(request.principalArn, params) !== undefined;
      expect(answer.decision).toBe(exempt ? 'Exempt' : allowed ? 'Allowed' : 'Denied');
      if (exempt) expect(answer.chain?.decision).toBe(allowed ? 'Allowed' : 'Denied');
      expect(code).toBe(allowed || exempt ? 0 : 1);
      agreed++;
    }
    console.log(`simulate CLI agreement: ${agreed} cases agree with iam-simulate`);
    expect(agreed).toBeGreaterThan(100);
  });
});

const compiledCache = new WeakMap<ChainSpec, NamedPolicy['document']>();

/** The boundary simulate compiles for the chain (same compiler, same parameters), for the oracle. */
function simulateBoundary(spec: ChainSpec): NamedPolicy['document'] {
  const cached = compiledCache.get(spec);
  if (cached) return cached;
  const compiled = compileBoundary({ chain: chainInput(spec), params });
  if (!compiled.ok) throw new Error('chain does not compile');
  compiledCache.set(spec, compiled.policy);
  return compiled.policy;
}

function contextPairs(request: EvaluationRequest): string[] {
  return Object.entries(request.context).flatMap(([key, value]) =>
    [value].flat().map((item) => `${key}=${item}`),
  );
}

function writeChain(spec: ChainSpec): string {
  const dir = mkdtempSync(join(tmpdir(), 'scp-alt-simulate-'));
  for (const { target, policies } of spec.levels) {
    for (const policy of policies) {
      mkdirSync(join(dir, target), { recursive: true });
      writeFileSync(join(dir, target, `${policy.name}.json`), JSON.stringify(policy.document));
    }
  }
  return dir;
}

function simulateArgs(dir: string, spec: ChainSpec, request: EvaluationRequest): string[] {
  const ouPath = spec.levels.map((level) => level.target).filter((target) => !target.startsWith('account-'));
  const context = contextPairs(request).flatMap((pair) => ['--context', pair]);
  return [
    'simulate',
    '--json',
    '--partition',
    PARTITION,
    '--policies',
    dir,
    '--ou-path',
    ouPath.join('/'),
    '--account',
    ACCOUNT_ID,
    '--action',
    request.action,
    '--resource',
    request.resource,
    '--principal',
    request.principalArn,
    ...context,
  ];
}
