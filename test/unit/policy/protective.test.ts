import { describe, expect, it } from 'vitest';
import { compileBoundary } from '#policy/compile.ts';
import { isExemptPrincipal } from '#policy/exemptions.ts';
import { defaultBoundaryParameters } from '#policy/parameters.ts';
import { protectiveStatements } from '#policy/protective.ts';
import { policySize } from '#policy/size.ts';
import type { BoundaryParameters, PolicyDocument } from '#policy/types.ts';
import { allowAll, inputOf } from './compile-helpers.ts';
import { ACCOUNT, boundaryDecision, type Decision } from './oracle.ts';

const automationRole = `arn:aws-cn:iam::${ACCOUNT}:role/pipeline`;
const params = defaultBoundaryParameters({
  partition: 'aws-cn',
  accountId: ACCOUNT,
  automationRoleArns: [automationRole],
});
const orgRole = `arn:aws-cn:iam::${ACCOUNT}:role/OrganizationAccountAccessRole`;
const alice = `arn:aws-cn:iam::${ACCOUNT}:user/alice`;
const ourPolicy = `arn:aws-cn:iam::${ACCOUNT}:policy/scp-enforce-policy`;

function boundaryWith(boundaryParams: BoundaryParameters): PolicyDocument {
  const outcome = compileBoundary({
    ...inputOf({ [`account-${ACCOUNT}`]: { 'a.json': [allowAll] } }),
    params: boundaryParams,
  });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
  return outcome.policy;
}

const boundary = boundaryWith(params);

function decide(
  principal: string,
  action: string,
  resource: string,
  context: Record<string, string> = {},
): Promise<Decision> {
  return boundaryDecision(boundary, {
    principal,
    action,
    resource,
    context: { 'aws:PrincipalArn': principal, ...context },
  });
}

describe('protective denies, checked against iam-simulate', () => {
  it.each([
    ['iam:DeleteRolePermissionsBoundary', `arn:aws-cn:iam::${ACCOUNT}:role/app`],
    ['iam:DeleteUserPermissionsBoundary', `arn:aws-cn:iam::${ACCOUNT}:user/bob`],
    ['iam:CreatePolicyVersion', ourPolicy],
    ['iam:SetDefaultPolicyVersion', ourPolicy],
    ['iam:DeletePolicy', `${ourPolicy}-0123abcd`],
    ['iam:UpdateAssumeRolePolicy', orgRole],
    ['iam:AttachRolePolicy', orgRole],
    ['iam:DeleteRole', `arn:aws-cn:iam::${ACCOUNT}:role/scp-event-rule`],
    ['iam:PutRolePolicy', automationRole],
    ['events:DisableRule', `arn:aws-cn:events:cn-north-1:${ACCOUNT}:rule/scp-event-rule`],
    ['cloudtrail:StopLogging', `arn:aws-cn:cloudtrail:cn-north-1:${ACCOUNT}:trail/scp-trail`],
    ['s3:PutBucketPolicy', `arn:aws-cn:s3:::scp-trail-bucket-${ACCOUNT}`],
  ])(
    'Given an ordinary user, when calling %s on %s, then it is explicitly denied; the org access role and the automation role are allowed',
    async (action, resource) => {
      expect(await decide(alice, action, resource)).toBe('ExplicitlyDenied');
      expect(await decide(orgRole, action, resource)).toBe('Allowed');
      expect(await decide(automationRole, action, resource)).toBe('Allowed');
    },
  );

  it('Given an ordinary user, when touching resources that are not ours, then it is allowed', async () => {
    expect(
      await decide(alice, 'iam:CreatePolicyVersion', `arn:aws-cn:iam::${ACCOUNT}:policy/team-policy`),
    ).toBe('Allowed');
    expect(await decide(alice, 'iam:AttachRolePolicy', `arn:aws-cn:iam::${ACCOUNT}:role/app`)).toBe(
      'Allowed',
    );
    expect(
      await decide(alice, 'events:DisableRule', `arn:aws-cn:events:cn-north-1:${ACCOUNT}:rule/team-rule`),
    ).toBe('Allowed');
  });

  it('Given an ordinary user, when creating a role or user, then it needs our boundary in the request', async () => {
    const role = `arn:aws-cn:iam::${ACCOUNT}:role/new`;
    expect(await decide(alice, 'iam:CreateRole', role)).toBe('ExplicitlyDenied');
    expect(
      await decide(alice, 'iam:CreateRole', role, {
        'iam:PermissionsBoundary': `arn:aws-cn:iam::${ACCOUNT}:policy/other`,
      }),
    ).toBe('ExplicitlyDenied');
    expect(await decide(alice, 'iam:CreateRole', role, { 'iam:PermissionsBoundary': ourPolicy })).toBe(
      'Allowed',
    );
    expect(
      await decide(alice, 'iam:CreateUser', `arn:aws-cn:iam::${ACCOUNT}:user/new`, {
        'iam:PermissionsBoundary': ourPolicy,
      }),
    ).toBe('Allowed');
    expect(await decide(orgRole, 'iam:CreateRole', role)).toBe('Allowed');
  });

  it('Given an ordinary user, when replacing a boundary, then only our policy may be put', async () => {
    const role = `arn:aws-cn:iam::${ACCOUNT}:role/app`;
    expect(
      await decide(alice, 'iam:PutRolePermissionsBoundary', role, {
        'iam:PermissionsBoundary': `arn:aws-cn:iam::${ACCOUNT}:policy/loose`,
      }),
    ).toBe('ExplicitlyDenied');
    expect(
      await decide(alice, 'iam:PutRolePermissionsBoundary', role, { 'iam:PermissionsBoundary': ourPolicy }),
    ).toBe('Allowed');
  });

  it('Given requireBoundaryOnCreate is off, when an ordinary user creates a role without boundary, then it is allowed', async () => {
    const relaxed = boundaryWith({ ...params, requireBoundaryOnCreate: false });
    const request = {
      principal: alice,
      action: 'iam:CreateRole',
      resource: `arn:aws-cn:iam::${ACCOUNT}:role/new`,
      context: { 'aws:PrincipalArn': alice },
    };
    expect(await boundaryDecision(relaxed, request)).toBe('Allowed');
  });
});

describe('protective statements: size', () => {
  // The customer's SCPs share the 6,144 characters of the boundary with these statements; before
  // the hardening pass they took 3,276 characters without a whitelist and 3,790 with the default
  // stacksets-exec-* (12-digit account, aws-cn). They must never grow past that again.
  const sizeWith = (overrides: Partial<BoundaryParameters>) =>
    policySize({
      Version: '2012-10-17',
      Statement: protectiveStatements(
        defaultBoundaryParameters({ partition: 'aws-cn', accountId: ACCOUNT, ...overrides }),
      ),
    });

  it.each([
    { label: 'no whitelist', overrides: {}, before: 3276 },
    {
      label: 'the default whitelist stacksets-exec-*',
      overrides: { whitelistRoleNames: ['stacksets-exec-*'] },
      before: 3790,
    },
    {
      label: 'the default whitelist and RequireBoundaryOnCreate=false',
      overrides: { whitelistRoleNames: ['stacksets-exec-*'], requireBoundaryOnCreate: false },
      before: 3790,
    },
  ])('Given $label, when built, then they take at most $before characters', ({ overrides, before }) => {
    expect(sizeWith(overrides)).toBeLessThanOrEqual(before);
  });
});

describe('protectiveStatements', () => {
  const statementsWith = (overrides: Partial<BoundaryParameters>) =>
    protectiveStatements(
      defaultBoundaryParameters({ partition: 'aws-cn', accountId: ACCOUNT, ...overrides }),
    );
  const resourcesOf = (statements: ReturnType<typeof statementsWith>) =>
    statements.flatMap((statement) => [statement.Resource ?? []].flat());

  it('Given a customer trail by name and one by ARN, when built, then the name is protected in every region and the ARN as given, besides scp-trail', () => {
    const elsewhere = `arn:aws-cn:cloudtrail:cn-northwest-1:${ACCOUNT}:trail/org-audit`;
    const resources = resourcesOf(statementsWith({ protectedTrails: ['audit', elsewhere] }));
    expect(resources).toContain(`arn:aws-cn:cloudtrail:*:${ACCOUNT}:trail/audit`);
    expect(resources).toContain(elsewhere);
    expect(resources).toContain(`arn:aws-cn:cloudtrail:cn-north-1:${ACCOUNT}:trail/scp-trail`);
    expect(resourcesOf(statementsWith({})).filter((arn) => arn.includes(':trail/'))).toEqual([
      `arn:aws-cn:cloudtrail:cn-north-1:${ACCOUNT}:trail/scp-trail`,
    ]);
  });

  it('Given RequireBoundaryOnCreate=false, when an ordinary user creates a role, then a foreign boundary is denied and none or ours is allowed', async () => {
    const relaxed = boundaryWith({ ...params, requireBoundaryOnCreate: false });
    const create = (context: Record<string, string>) =>
      boundaryDecision(relaxed, {
        principal: alice,
        action: 'iam:CreateRole',
        resource: `arn:aws-cn:iam::${ACCOUNT}:role/new`,
        context: { 'aws:PrincipalArn': alice, ...context },
      });
    expect(await create({ 'iam:PermissionsBoundary': `arn:aws-cn:iam::${ACCOUNT}:policy/loose` })).toBe(
      'ExplicitlyDenied',
    );
    expect(await create({})).toBe('Allowed');
    expect(await create({ 'iam:PermissionsBoundary': ourPolicy })).toBe('Allowed');
  });

  it('Given an automation role of another account, when built, then it is exempt and protected by its ARN as given', () => {
    const foreign = 'arn:aws-cn:iam::444455556666:role/deployer';
    const statements = statementsWith({ automationRoleArns: [foreign] });
    expect(resourcesOf(statements)).toContain(foreign);
    for (const statement of statements)
      expect(statement.Condition?.ArnNotEquals?.['aws:PrincipalArn']).toContain(foreign);
  });

  it('Given the aws-us-gov partition, when built, then every ARN is in that partition and the events region is us-gov-west-1', () => {
    const gov = defaultBoundaryParameters({ partition: 'aws-us-gov', accountId: ACCOUNT });
    const text = JSON.stringify(protectiveStatements(gov));
    const arns = text.match(/arn:[^:"]*:/g) ?? [];
    expect(arns.length).toBeGreaterThan(5);
    expect(new Set(arns)).toEqual(new Set(['arn:aws-us-gov:']));
    expect(text).toContain(`arn:aws-us-gov:events:us-gov-west-1:${ACCOUNT}:rule/scp-event-rule`);
  });

  it('Given custom names, when built, then the protected resources use them', () => {
    const custom = defaultBoundaryParameters({
      partition: 'aws',
      accountId: ACCOUNT,
      organizationAccessRoleName: 'Admin',
      trailName: 'audit',
      policyName: 'guard',
    });
    const text = JSON.stringify(protectiveStatements(custom));
    expect(text).toContain(`arn:aws:iam::${ACCOUNT}:role/Admin`);
    expect(text).toContain(`arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/audit`);
    expect(text).toContain(`arn:aws:iam::${ACCOUNT}:policy/guard`);
    expect(text).not.toContain('OrganizationAccountAccessRole');
  });
});

describe('isExemptPrincipal', () => {
  const exemptParams = defaultBoundaryParameters({
    partition: 'aws-cn',
    accountId: ACCOUNT,
    whitelistRoleNames: ['stacksets-exec-*', 'break?glass'],
  });
  it.each([
    [
      'the org access role by exact ARN',
      { kind: 'role', name: 'OrganizationAccountAccessRole', path: '/', arn: orgRole },
      true,
    ],
    [
      'a user named like the org access role',
      {
        kind: 'user',
        name: 'OrganizationAccountAccessRole',
        path: '/',
        arn: `arn:aws-cn:iam::${ACCOUNT}:user/OrganizationAccountAccessRole`,
      },
      false,
    ],
    [
      'the org access role name under another path',
      {
        kind: 'role',
        name: 'OrganizationAccountAccessRole',
        path: '/x/',
        arn: `arn:aws-cn:iam::${ACCOUNT}:role/x/OrganizationAccountAccessRole`,
      },
      false,
    ],
    [
      'a role matching a * glob',
      {
        kind: 'role',
        name: 'stacksets-exec-abc123',
        path: '/',
        arn: `arn:aws-cn:iam::${ACCOUNT}:role/stacksets-exec-abc123`,
      },
      true,
    ],
    [
      'a role matching a ? glob',
      { kind: 'role', name: 'break-glass', path: '/', arn: `arn:aws-cn:iam::${ACCOUNT}:role/break-glass` },
      true,
    ],
    [
      'a role matching a * glob only in another case (IAM compares ARNs case-sensitively)',
      {
        kind: 'role',
        name: 'STACKSETS-EXEC-abc123',
        path: '/',
        arn: `arn:aws-cn:iam::${ACCOUNT}:role/STACKSETS-EXEC-abc123`,
      },
      false,
    ],
    [
      'a user matching a ? glob only in another case',
      { kind: 'user', name: 'Break-Glass', path: '/', arn: `arn:aws-cn:iam::${ACCOUNT}:user/Break-Glass` },
      false,
    ],
    [
      'a user matching a * glob under a path',
      {
        kind: 'user',
        name: 'stacksets-exec-x',
        path: '/ops/',
        arn: `arn:aws-cn:iam::${ACCOUNT}:user/ops/stacksets-exec-x`,
      },
      true,
    ],
    [
      'a role near a ? glob',
      { kind: 'role', name: 'break--glass', path: '/', arn: `arn:aws-cn:iam::${ACCOUNT}:role/break--glass` },
      false,
    ],
    [
      'a service-linked role',
      {
        kind: 'role',
        name: 'AWSServiceRoleForSupport',
        path: '/aws-service-role/support.amazonaws.com/',
        arn: `arn:aws-cn:iam::${ACCOUNT}:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport`,
      },
      true,
    ],
    [
      'an ordinary role',
      { kind: 'role', name: 'app', path: '/', arn: `arn:aws-cn:iam::${ACCOUNT}:role/app` },
      false,
    ],
  ] as const)('Given %s, when checked, then exempt is %s', (_label, principal, exempt) => {
    expect(isExemptPrincipal(principal, exemptParams)).toBe(exempt);
  });
});
