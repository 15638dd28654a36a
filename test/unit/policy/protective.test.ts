import { describe, expect, it } from 'vitest';
import { compileBoundary } from '#policy/compile.ts';
import { isExemptPrincipal } from '#policy/exemptions.ts';
import { defaultBoundaryParameters } from '#policy/parameters.ts';
import { protectiveStatements } from '#policy/protective.ts';
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

describe('protectiveStatements', () => {
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
