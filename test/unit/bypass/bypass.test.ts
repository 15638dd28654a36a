/**
 * Hardening: nobody inside a member account escapes the boundary. For every parameter set of the
 * corpus, the boundary compiled from a FullAWSAccess chain is the permissions boundary of an
 * ordinary role with an allow-all identity policy; iam-simulate (independent oracle) decides each
 * request. Attempts must be denied explicitly: an implicit deny in a boundary does not stop
 * same-account resource policies (a role's trust policy among them) that name the principal.
 */
import { describe, expect, it } from 'vitest';
import type { EvaluationRequest, PolicySet } from '#policy/evaluate.ts';
import { trustedPrincipalArns } from '#policy/parameters.ts';
import type { BoundaryParameters } from '#policy/types.ts';
import { oracleDecision } from '../fidelity/oracle.ts';
import {
  ACCOUNT,
  ALLOW_ALL,
  boundedBy,
  type CorpusRequest,
  compiledFullAccessBoundary,
  corpus,
  PARTITION,
  parametersOf,
  verdictHoldsIn,
} from './corpus.ts';

interface Caller {
  session: string;
  role: string;
}

const ORDINARY: Caller = {
  session: `arn:${PARTITION}:sts::${ACCOUNT}:assumed-role/Developer/dev-session`,
  role: `arn:${PARTITION}:iam::${ACCOUNT}:role/Developer`,
};

/** Sessions of the exempt roles of this account (an automation role of another account is never bounded here). */
function exemptCallers(params: BoundaryParameters): Caller[] {
  const inAccount = `arn:${PARTITION}:iam::${ACCOUNT}:role/`;
  return trustedPrincipalArns(params)
    .filter((arn) => arn.startsWith(inAccount))
    .map((role) => ({
      role,
      session: `arn:${PARTITION}:sts::${ACCOUNT}:assumed-role/${role.slice(inAccount.length)}/admin`,
    }));
}

function asCaller(entry: CorpusRequest, caller: Caller): EvaluationRequest {
  return {
    action: entry.action,
    resource: entry.resource,
    principalArn: caller.session,
    accountId: ACCOUNT,
    context: { 'aws:PrincipalArn': caller.role, 'aws:PrincipalAccount': ACCOUNT, ...entry.context },
  };
}

const { attempts, ordinaryRequests, parameterSets } = corpus;
const sets = parameterSets.map((spec) => {
  const params = parametersOf(spec);
  return { ...spec, params, policies: boundedBy(compiledFullAccessBoundary(params)) };
});

describe(`bypass corpus: ${attempts.length} escape attempts, ${ordinaryRequests.length} ordinary requests, ${sets.length} parameter sets`, () => {
  it('has at least 25 attempts, and every scope names a parameter set of the corpus', () => {
    console.log(
      `bypass corpus: ${attempts.length} escape attempts, ${ordinaryRequests.length} ordinary requests, ` +
        `${sets.length} parameter sets`,
    );
    expect(attempts.length).toBeGreaterThanOrEqual(25);
    const names = new Set(sets.map((set) => set.name));
    const scoped = [...attempts, ...ordinaryRequests].flatMap((entry) => [
      ...(entry.only ?? []),
      ...(entry.except ?? []),
    ]);
    expect(scoped.filter((name) => !names.has(name))).toEqual([]);
  });

  it('has no attempt that no parameter set denies', () => {
    const neverDenied = attempts.filter((attempt) => !sets.some((set) => verdictHoldsIn(attempt, set.name)));
    expect(neverDenied.map((attempt) => attempt.name)).toEqual([]);
  });

  describe.each(sets)('parameters "$name" ($description)', (set) => {
    const denied = [
      ...attempts.filter((attempt) => verdictHoldsIn(attempt, set.name)),
      ...ordinaryRequests.filter((request) => !verdictHoldsIn(request, set.name)),
    ];
    const allowed = [
      ...ordinaryRequests.filter((request) => verdictHoldsIn(request, set.name)),
      ...attempts.filter((attempt) => !verdictHoldsIn(attempt, set.name)),
    ];
    const callers = exemptCallers(set.params);

    // Given an ordinary role session carrying the compiled boundary, When it makes the attempt,
    // Then the boundary denies it explicitly
    it.each(denied)('$name ($action) is explicitly denied for an ordinary role', async (attempt) => {
      expect(await oracleDecision(asCaller(attempt, ORDINARY), set.policies)).toBe('ExplicitDeny');
    });

    it.each(denied)('$name ($action) stays allowed for the exempt principals', async (attempt) => {
      expect(callers.length).toBeGreaterThan(0);
      for (const caller of callers) {
        expect(await oracleDecision(asCaller(attempt, caller), set.policies), caller.role).toBe('Allowed');
      }
    });

    it.each(allowed)('$name ($action) stays allowed for an ordinary role', async (request) => {
      expect(await oracleDecision(asCaller(request, ORDINARY), set.policies)).toBe('Allowed');
    });

    // What scp-alt leaves alone because IAM lets nobody do it: never an exit, whoever asks.
    it.each(corpus.refusedByIam)(
      '$name ($action) is refused by IAM to everyone, exempt principals included',
      async (request) => {
        for (const caller of [ORDINARY, ...callers])
          expect(await oracleDecision(asCaller(request, caller), set.policies), caller.role).not.toBe(
            'Allowed',
          );
      },
    );
  });

  it('Given no whitelist, Then no protective statement names a whitelisted principal', () => {
    const noWhitelist = sets.find((set) => set.params.whitelistRoleNames.length === 0);
    const withWhitelist = sets.find((set) => set.params.whitelistRoleNames.includes('stacksets-exec-*'));
    expect(JSON.stringify(noWhitelist?.policies.permissionsBoundary)).not.toContain('stacksets-exec');
    expect(JSON.stringify(withWhitelist?.policies.permissionsBoundary)).toContain('stacksets-exec');
  });
});

describe('cross-account callers are not bounded by our boundary', () => {
  // The StackSets administration role of the management account assumes stacksets-exec-* from its
  // own account: our boundary is attached to principals of the member account only, so it never
  // applies to that caller, and what its trust admits keeps working. The same AssumeRole from
  // inside the member account is denied (above, "assume a StackSets execution role").
  const executionRole = `arn:${PARTITION}:iam::${ACCOUNT}:role/stacksets-exec-1a2b`;
  const administrationRole = `arn:${PARTITION}:iam::999988887777:role/AWSCloudFormationStackSetAdministrationRole`;
  const trust = {
    source: 'trust of stacksets-exec-1a2b',
    document: {
      Version: '2012-10-17' as const,
      Statement: [
        {
          Effect: 'Allow' as const,
          Principal: { AWS: administrationRole },
          Action: 'sts:AssumeRole',
          Resource: executionRole,
        },
      ],
    },
  };
  const request = (principalArn: string, accountOfCaller: string): EvaluationRequest => ({
    action: 'sts:AssumeRole',
    resource: executionRole,
    principalArn,
    accountId: ACCOUNT,
    context: { 'aws:PrincipalArn': principalArn, 'aws:PrincipalAccount': accountOfCaller },
  });

  it('Given the management account StackSets administration role, When it assumes an execution role whose trust names it, Then it is allowed', async () => {
    const ownPolicies: PolicySet = { scpChain: [], identityPolicies: [ALLOW_ALL], resourcePolicy: trust };
    expect(await oracleDecision(request(administrationRole, '999988887777'), ownPolicies)).toBe('Allowed');
  });

  it('Given an ordinary member role named in the same trust, When it assumes the execution role, Then our boundary denies it', async () => {
    const defaultSet = sets.find((set) => set.name === 'default');
    if (!defaultSet) throw new Error('the corpus has no "default" parameter set');
    const inAccountTrust = {
      ...trust,
      document: {
        ...trust.document,
        Statement: [{ ...trust.document.Statement[0]!, Principal: { AWS: ORDINARY.role } }],
      },
    };
    const policies: PolicySet = { ...defaultSet.policies, resourcePolicy: inAccountTrust };
    const ordinary = {
      ...request(ORDINARY.session, ACCOUNT),
      context: { 'aws:PrincipalArn': ORDINARY.role },
    };
    expect(await oracleDecision(ordinary, policies)).toBe('ExplicitDeny');
  });
});
