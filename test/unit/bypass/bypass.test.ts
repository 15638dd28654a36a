/**
 * Hardening: nobody inside a member account escapes the boundary. The boundary compiled from a
 * FullAWSAccess chain with default parameters is the permissions boundary of an ordinary role with
 * an allow-all identity policy; iam-simulate (independent oracle) decides each escape attempt.
 * Attempts must be denied explicitly: an implicit deny in a boundary does not stop same-account
 * resource policies that name the principal.
 */
import { describe, expect, it } from 'vitest';
import type { EvaluationRequest, NamedPolicy, PolicySet } from '#policy/evaluate.ts';
import { compileBoundary, defaultBoundaryParameters } from '#policy/index.ts';
import { oracleDecision } from '../fidelity/oracle.ts';
import corpus from './escape-attempts.json' with { type: 'json' };

interface CorpusRequest {
  name: string;
  action: string;
  resource: string;
  context: Record<string, string>;
}

const ACCOUNT = '111122223333';
const PARTITION = 'aws-cn';
const ORDINARY = {
  session: `arn:${PARTITION}:sts::${ACCOUNT}:assumed-role/Developer/dev-session`,
  role: `arn:${PARTITION}:iam::${ACCOUNT}:role/Developer`,
};
const EXEMPT = {
  session: `arn:${PARTITION}:sts::${ACCOUNT}:assumed-role/OrganizationAccountAccessRole/admin`,
  role: `arn:${PARTITION}:iam::${ACCOUNT}:role/OrganizationAccountAccessRole`,
};
const ALLOW_ALL: NamedPolicy = {
  source: 'AdministratorAccess',
  document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};

function compiledFullAccessBoundary(whitelistRoleNames: string[] = []): NamedPolicy {
  const fullAccess = JSON.stringify(ALLOW_ALL.document);
  const outcome = compileBoundary({
    params: defaultBoundaryParameters({ partition: PARTITION, accountId: ACCOUNT, whitelistRoleNames }),
    chain: [
      { target: 'r-ab12', sources: [{ key: 'permission-boundary-policy/r-ab12.json', body: fullAccess }] },
    ],
  });
  if (!outcome.ok) throw new Error(`FullAWSAccess chain did not compile: ${JSON.stringify(outcome.errors)}`);
  return { source: 'scp-enforce-policy', document: outcome.policy as NamedPolicy['document'] };
}

const policiesWith = (boundary: NamedPolicy): PolicySet => ({
  scpChain: [],
  identityPolicies: [ALLOW_ALL],
  permissionsBoundary: boundary,
});
const policies = policiesWith(compiledFullAccessBoundary());

function asCaller(entry: CorpusRequest, caller: { session: string; role: string }): EvaluationRequest {
  return {
    action: entry.action,
    resource: entry.resource,
    principalArn: caller.session,
    accountId: ACCOUNT,
    context: { 'aws:PrincipalArn': caller.role, 'aws:PrincipalAccount': ACCOUNT, ...entry.context },
  };
}

/** JSON imports type absent keys as `undefined`; check the fixture's shape once instead of casting. */
function corpusRequests(entries: unknown[]): CorpusRequest[] {
  return entries.map((entry) => {
    const { name, action, resource, context } = entry as Record<string, unknown>;
    const strings = Object.entries((context ?? {}) as Record<string, unknown>);
    if (typeof name !== 'string' || typeof action !== 'string' || typeof resource !== 'string') {
      throw new Error(`malformed corpus entry ${JSON.stringify(entry)}`);
    }
    return { name, action, resource, context: Object.fromEntries(strings.map(([k, v]) => [k, String(v)])) };
  });
}

const attempts = corpusRequests(corpus.attempts);
const ordinaryRequests = corpusRequests(corpus.ordinaryRequests);
const whitelisted = {
  policies: policiesWith(compiledFullAccessBoundary(corpus.whitelist.names)),
  attempts: corpusRequests(corpus.whitelist.attempts),
  ordinaryRequests: corpusRequests(corpus.whitelist.ordinaryRequests),
};

describe(`bypass corpus (${attempts.length} escape attempts)`, () => {
  it('has at least 25 attempts', () => {
    console.log(
      `bypass corpus: ${attempts.length} escape attempts, ${ordinaryRequests.length} ordinary requests`,
    );
    expect(attempts.length).toBeGreaterThanOrEqual(25);
  });

  describe.each(attempts)('$name ($action)', (attempt) => {
    // Given an ordinary role session carrying the compiled boundary, When it makes the attempt
    // Then the boundary denies it explicitly
    it('is explicitly denied for an ordinary role', async () => {
      expect(await oracleDecision(asCaller(attempt, ORDINARY), policies)).toBe('ExplicitDeny');
    });
    it('stays allowed for the organization access role', async () => {
      expect(await oracleDecision(asCaller(attempt, EXEMPT), policies)).toBe('Allowed');
    });
  });

  it.each(ordinaryRequests)('still allows the ordinary request: $name', async (request) => {
    expect(await oracleDecision(asCaller(request, ORDINARY), policies)).toBe('Allowed');
  });
});

describe(`whitelisted principals (${corpus.whitelist.names.join(', ')}): ${whitelisted.attempts.length} takeover attempts`, () => {
  it.each(whitelisted.attempts)(
    '$name ($action) is explicitly denied for an ordinary role',
    async (attempt) => {
      expect(await oracleDecision(asCaller(attempt, ORDINARY), whitelisted.policies)).toBe('ExplicitDeny');
    },
  );

  it.each(whitelisted.attempts)(
    '$name ($action) stays allowed for the organization access role',
    async (attempt) => {
      expect(await oracleDecision(asCaller(attempt, EXEMPT), whitelisted.policies)).toBe('Allowed');
    },
  );

  it.each(whitelisted.ordinaryRequests)('still allows the ordinary request: $name', async (request) => {
    expect(await oracleDecision(asCaller(request, ORDINARY), whitelisted.policies)).toBe('Allowed');
  });

  it('Given no whitelist, Then no statement protects whitelisted users', () => {
    const statements = compiledFullAccessBoundary().document.Statement;
    const sids = (Array.isArray(statements) ? statements : [statements]).map((statement) => statement.Sid);
    expect(sids).not.toContain('ScpAltProtectWhitelistedUsers');
  });
});
