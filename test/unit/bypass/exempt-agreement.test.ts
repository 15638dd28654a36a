/**
 * The service and the boundary must agree on who is exempt: a principal the service leaves
 * without a boundary (isExemptPrincipal) must be one the boundary protects from takeover, and a
 * principal the boundary protects must be one the service exempts — else either an unbounded
 * principal is open to takeover, or a bounded one is needlessly locked. IAM compares the name in
 * a Resource ARN case-sensitively, so the whitelist must be matched case-sensitively in code too.
 *
 * Outside this pairing, on purpose: service-linked roles (exempt; AWS itself forbids changing
 * their trust or assuming them), and the forwarding role and automation roles (protected, yet they
 * carry the boundary like any role).
 */
import { describe, expect, it } from 'vitest';
import { isExemptPrincipal, type PrincipalIdentity } from '#policy/exemptions.ts';
import { defaultBoundaryParameters } from '#policy/parameters.ts';
import { oracleDecision } from '../fidelity/oracle.ts';
import { ACCOUNT, boundedBy, compiledFullAccessBoundary, PARTITION } from './corpus.ts';

const params = defaultBoundaryParameters({
  partition: PARTITION,
  accountId: ACCOUNT,
  whitelistRoleNames: ['stacksets-exec-*', 'break?glass', 'Ops.Admin'],
});
const policies = boundedBy(compiledFullAccessBoundary(params));
const ORDINARY_ROLE = `arn:${PARTITION}:iam::${ACCOUNT}:role/Developer`;
const ORDINARY_SESSION = `arn:${PARTITION}:sts::${ACCOUNT}:assumed-role/Developer/dev-session`;

const NAMES = [
  'stacksets-exec-1a2b',
  'STACKSETS-EXEC-1a2b',
  'Stacksets-Exec-1a2b',
  'stacksets-exec-',
  'stacksets-exec',
  'my-stacksets-exec-1a2b',
  'break-glass',
  'break_glass',
  'Break-Glass',
  'BREAK-GLASS',
  'break--glass',
  'breakglass',
  'Ops.Admin',
  'OpsxAdmin',
  'ops.admin',
  'OrganizationAccountAccessRole',
  'organizationaccountaccessrole',
  'app',
];
const PATHS = ['/', '/ops/', '/team/eu/'];

const principals: PrincipalIdentity[] = NAMES.flatMap((name) =>
  PATHS.flatMap((path) =>
    (['role', 'user'] as const).map((kind) => ({
      kind,
      name,
      path,
      arn: `arn:${PARTITION}:iam::${ACCOUNT}:${kind}${path}${name}`,
    })),
  ),
);

/** Becoming the principal: assuming a role, an access key for a user. */
async function protectedByBoundary(principal: PrincipalIdentity): Promise<boolean> {
  const decision = await oracleDecision(
    {
      action: principal.kind === 'role' ? 'sts:AssumeRole' : 'iam:CreateAccessKey',
      resource: principal.arn,
      principalArn: ORDINARY_SESSION,
      accountId: ACCOUNT,
      context: { 'aws:PrincipalArn': ORDINARY_ROLE, 'aws:PrincipalAccount': ACCOUNT },
    },
    policies,
  );
  return decision === 'ExplicitDeny';
}

describe(`exempt in code ⇔ protected by the boundary (${principals.length} roles and users)`, () => {
  it.each(principals)('$kind $arn', async (principal) => {
    expect(await protectedByBoundary(principal)).toBe(isExemptPrincipal(principal, params));
  });

  it('covers both answers, and the names that differ from a whitelist entry only in case are not exempt', () => {
    const exempt = principals.filter((principal) => isExemptPrincipal(principal, params));
    expect(exempt.length).toBeGreaterThan(0);
    expect(exempt.length).toBeLessThan(principals.length);
    for (const name of ['STACKSETS-EXEC-1a2b', 'Break-Glass', 'ops.admin', 'organizationaccountaccessrole'])
      expect(exempt.map((principal) => principal.name)).not.toContain(name);
  });
});
