// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the ${…} are CloudFormation Fn::Sub variables.
import { beforeAll, describe, expect, it } from 'vitest';
import { ENROLLMENT_RULE_DESCRIPTION } from '#aws/forwarding.ts';
import { FUNCTION_PERMISSIONS } from '#functions/permissions.ts';
import { forwardedEventPattern } from '#policy/iam-event-names.ts';
import { identityCenterEventPattern, organizationEventPattern } from '#policy/organization-event-names.ts';
import { deployedFunctions } from './support/deployed-functions.ts';
import { loadPackagedTemplate, PACKAGING_TIMEOUT_MS } from './support/packaged-template.ts';
import { allowedActions, policyStatements, roleStatements } from './support/policy-statements.ts';

/** The Organizations calls of shared/aws/native-scp.ts (scp-alt export-native --apply). */
const NATIVE_EXPORT_CALLS = [
  'organizations:AttachPolicy',
  'organizations:CreatePolicy',
  'organizations:DeletePolicy',
  'organizations:DetachPolicy',
  'organizations:ListPolicies',
  'organizations:ListPoliciesForTarget',
  'organizations:UpdatePolicy',
];

import {
  at,
  type CfnTemplate,
  listAt,
  loadYamlTemplate,
  onlyResourceOfType,
  resourcesOfType,
} from './support/templates.ts';

let packaged: CfnTemplate;
const management = loadYamlTemplate('management-role.yaml');
const forwarding = loadYamlTemplate('member-forwarding.yaml');
const catalog = loadYamlTemplate('service-catalog.yaml');
const product = loadYamlTemplate('scp-account-register-product.yaml');
const standalone = loadYamlTemplate('standalone-account-role.yaml');

beforeAll(async () => {
  packaged = await loadPackagedTemplate();
}, PACKAGING_TIMEOUT_MS);

/** A property of resource `id`, or a value nested in it (`prop(t, id, 'Targets', 0, 'Arn')`). */
const prop = (template: CfnTemplate, id: string, ...path: (string | number)[]): unknown =>
  at(template.Resources[id]?.Properties, ...path);
const EXPORT_NAME = 'scp-alt-account-register-function-arn';

describe('management-role.yaml', () => {
  const [roleId] = onlyResourceOfType(management, 'AWS::IAM::Role');

  it('trusts exactly the roles of the functions that reach member accounts', () => {
    const stage = management.Parameters?.SecurityStage?.Default;
    const trusted = listAt(
      management.Resources[roleId]?.Properties,
      'AssumeRolePolicyDocument',
      'Statement',
      0,
      'Principal',
      'AWS',
    );
    const trustedNames = trusted.map((arn) =>
      String(at(arn, 'Fn::Sub'))
        .replace('arn:${AWS::Partition}:iam::${SecurityAccountID}:role/', '')
        .replace('${SecurityStage}', String(stage)),
    );
    const reaching = deployedFunctions(packaged).filter(
      (fn) => FUNCTION_PERMISSIONS[fn.name].management.length > 0,
    );
    const roleNames = reaching.map((fn) => prop(packaged, fn.roleLogicalId, 'RoleName'));
    expect(trustedNames.sort()).toEqual(roleNames.sort());
  });

  it('lets the same functions mark their sessions when the management account is enrolled', () => {
    const statements = listAt(
      management.Resources[roleId]?.Properties,
      'AssumeRolePolicyDocument',
      'Statement',
    );
    const marking = statements
      .map((statement) => listAt(statement, 'Fn::If')[1])
      .find((statement) => at(statement, 'Sid') === 'MarkScpAltSessions');
    const trusting = listAt(statements[0], 'Principal', 'AWS');
    expect(listAt(marking, 'Principal', 'AWS')).toEqual(trusting);
  });

  it('may never assume a role in the security account or in its own account', () => {
    const denied = roleStatements(management, roleId).filter(
      (s) => s.effect === 'Deny' && s.actions.includes('sts:AssumeRole'),
    );
    const resources = denied.flatMap((s) => s.resources.map((r) => JSON.stringify(r)));
    expect(resources).toEqual(
      expect.arrayContaining([
        expect.stringContaining('iam::${SecurityAccountID}:role/*'),
        expect.stringContaining('iam::${AWS::AccountId}:role/*'),
      ]),
    );
  });

  it('allows exactly the management calls of functions/permissions.ts', () => {
    const needed = [...new Set(Object.values(FUNCTION_PERMISSIONS).flatMap((p) => p.management))].sort();
    const always = roleStatements(management, roleId).filter((s) => !s.conditional);
    expect(allowedActions(always)).toEqual(needed);
  });

  /** The inline policies a condition decides, by their place in Policies (the If's index). */
  const policyAt = (index: number) =>
    roleStatements(management, roleId).filter((s) => s.conditional && s.path.includes(`Policies[${index}]`));
  const conditionOf = (index: number) =>
    at(management.Resources[roleId]?.Properties, 'Policies', index, 'Fn::If', 0);

  it('grants native SCP management only when AllowNativeScpExport opts in, and only the calls export-native makes', () => {
    expect(conditionOf(1)).toBe('NativeScpExport');
    const optIn = policyAt(1);
    expect(optIn.every((s) => s.path.includes('Fn::If'))).toBe(true);
    expect(management.Conditions?.NativeScpExport).toEqual({
      'Fn::Equals': [{ Ref: 'AllowNativeScpExport' }, 'true'],
    });
    expect(allowedActions(optIn)).toEqual(NATIVE_EXPORT_CALLS);
    // Only ListPolicies, which names no resource type, is granted on "*".
    const onAnyResource = optIn.filter((s) => s.resources.includes('*'));
    expect(onAnyResource.flatMap((s) => s.actions)).toEqual(['organizations:ListPolicies']);
  });

  it('acts in its own account only when EnrollManagementAccount opts in, with exactly the calls made in a member', () => {
    expect(conditionOf(2)).toBe('ManagementAccountEnrolled');
    expect(management.Conditions?.ManagementAccountEnrolled).toEqual({
      'Fn::Equals': [{ Ref: 'EnrollManagementAccount' }, 'yes'],
    });
    expect(management.Parameters?.EnrollManagementAccount?.Default).toBe('no');
    const memberCalls = [...new Set(Object.values(FUNCTION_PERMISSIONS).flatMap((p) => p.member))].sort();
    expect(allowedActions(policyAt(2))).toEqual(memberCalls);
    // Writes that create or change roles reach the forwarding role only.
    const roleWrites = policyAt(2).filter((s) => s.actions.includes('iam:PutRolePolicy'));
    expect(roleWrites.flatMap((s) => s.resources)).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/scp-event-rule' },
    ]);
  });

  it('lets the functions mark their sessions only when EnrollManagementAccount opts in, and only with scp-alt-*', () => {
    const trust = policyStatements(management).filter((s) => s.resource === roleId && s.trust);
    const marking = trust.filter((s) => s.actions.includes('sts:SetSourceIdentity'));
    expect(marking).toHaveLength(2);
    for (const statement of marking) {
      expect(statement.conditional).toBe(true);
      expect(statement.actions).toEqual(['sts:SetSourceIdentity']);
      expect(statement.condition).toEqual({
        StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationID' } },
        StringLike: { 'sts:SourceIdentity': 'scp-alt-*' },
      });
    }
    expect(management.Conditions?.OperatorsInEnrolledManagementAccount).toEqual({
      'Fn::And': [{ Condition: 'ManagementAccountEnrolled' }, { Condition: 'HasOperators' }],
    });
  });

  it('always grants the read-only organization calls: the reconciler reads the tree every run', () => {
    const always = roleStatements(management, roleId).filter((s) => !s.conditional);
    expect(allowedActions(always)).toEqual(
      expect.arrayContaining([
        'organizations:DescribeAccount',
        'organizations:ListAccountsForParent',
        'organizations:ListOrganizationalUnitsForParent',
        'organizations:ListParents',
        'organizations:ListRoots',
      ]),
    );
    const reads = always.filter((s) => s.actions.some((action) => action.startsWith('organizations:')));
    expect(reads.every((s) => s.effect === 'Allow')).toBe(true);
    // Only ListRoots, which names no resource type, is granted on "*".
    const onAnyResource = reads.filter((s) => s.resources.includes('*'));
    expect(onAnyResource.flatMap((s) => s.actions)).toEqual(['organizations:ListRoots']);
  });

  it('trusts operator roles only when OperatorPrincipalArns names them', () => {
    const trust = policyStatements(management).filter((s) => s.resource === roleId && s.trust);
    const operators = trust.filter((s) => s.conditional && s.actions.includes('sts:AssumeRole'));
    expect(operators).toHaveLength(1);
    expect(operators[0]!.principal).toEqual({ AWS: { Ref: 'OperatorPrincipalArns' } });
    expect(management.Parameters?.OperatorPrincipalArns?.Default).toBe('');
  });

  it('may assume only the organization access role, only inside the organization', () => {
    const assume = roleStatements(management, roleId).filter(
      (s) => s.effect === 'Allow' && s.actions.includes('sts:AssumeRole'),
    );
    expect(assume).toHaveLength(1);
    expect(assume[0]!.resources).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/${OrganizationAccessRoleName}' },
    ]);
    expect(assume[0]!.condition).toEqual({
      StringEquals: { 'aws:ResourceOrgID': { Ref: 'OrganizationID' } },
    });
  });

  it('uses the same parameter names and defaults as the security stack', () => {
    for (const name of ['ManagementAccountAccessRoleName', 'OrganizationAccessRoleName']) {
      expect(management.Parameters?.[name]?.Default, name).toBe(packaged.Parameters?.[name]?.Default);
    }
    expect(Object.keys(management.Parameters ?? {})).toContain('SecurityAccountID');
  });
});

describe('standalone-account-role.yaml', () => {
  const [roleId] = onlyResourceOfType(standalone, 'AWS::IAM::Role');
  const trust = () => policyStatements(standalone).filter((s) => s.resource === roleId && s.trust);

  it('trusts the functions that reach accounts, only with the external id, from the security organization, marking scp-alt-*', () => {
    const [functions] = trust().filter((s) => !s.conditional);
    const stage = standalone.Parameters?.SecurityStage?.Default;
    const trustedNames = listAt(functions?.principal, 'AWS').map((arn) =>
      String(at(arn, 'Fn::Sub'))
        .replace('arn:${AWS::Partition}:iam::${SecurityAccountID}:role/', '')
        .replace('${SecurityStage}', String(stage)),
    );
    const reaching = deployedFunctions(packaged).filter(
      (fn) => FUNCTION_PERMISSIONS[fn.name].member.length > 0,
    );
    expect(trustedNames.sort()).toEqual(
      reaching.map((fn) => prop(packaged, fn.roleLogicalId, 'RoleName')).sort(),
    );
    for (const statement of trust()) {
      expect(statement.actions).toEqual(['sts:AssumeRole', 'sts:SetSourceIdentity']);
      expect(statement.condition).toEqual({
        StringEquals: {
          'sts:ExternalId': { Ref: 'ExternalId' },
          'aws:PrincipalOrgID': { Ref: 'SecurityOrganizationID' },
        },
        StringLike: { 'sts:SourceIdentity': 'scp-alt-*' },
      });
    }
    expect(standalone.Parameters?.ExternalId?.NoEcho).toBe(true);
    expect(standalone.Parameters?.RoleName?.Default).toBe('scp-alt-standalone-access');
  });

  it('allows exactly the calls made in a member, role writes only on the forwarding role', () => {
    const memberCalls = [...new Set(Object.values(FUNCTION_PERMISSIONS).flatMap((p) => p.member))].sort();
    const statements = roleStatements(standalone, roleId);
    expect(allowedActions(statements)).toEqual(memberCalls);
    const roleWrites = statements.filter((s) => s.actions.includes('iam:PutRolePolicy'));
    expect(roleWrites.flatMap((s) => s.resources)).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/scp-event-rule' },
    ]);
  });

  it('is admitted to the security bus by account id, only through its forwarding role, only when StandaloneAccountIds names accounts', () => {
    const policy = packaged.Resources.ScpAltBusStandalonePolicy;
    expect(policy?.Condition).toBe('HasStandaloneAccounts');
    expect(prop(packaged, 'ScpAltBusStandalonePolicy', 'Statement', 'Principal')).toEqual({
      AWS: { 'Fn::Split': [',', { Ref: 'StandaloneAccountIds' }] },
    });
    expect(prop(packaged, 'ScpAltBusStandalonePolicy', 'Statement', 'Condition')).toEqual({
      ArnLike: { 'aws:PrincipalArn': { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/scp-event-rule' } },
    });
  });
});

describe('organization-events.yaml', () => {
  const events = loadYamlTemplate('organization-events.yaml');

  it('says to deploy in the Organizations region of each partition, and refuses other regions', () => {
    expect(events.Description).toContain('cn-northwest-1 for aws-cn');
    expect(events.Description).toContain('us-east-1 for aws');
    const assertion = JSON.stringify((events as { Rules?: unknown }).Rules);
    expect(assertion).toContain('cn-northwest-1');
  });

  it('forwards the events the organization-event-dispatcher follows, with the role the security bus admits', () => {
    const [ruleId] = onlyResourceOfType(events, 'AWS::Events::Rule', (id) => id === 'OrganizationEventsRule');
    const [roleId] = onlyResourceOfType(events, 'AWS::IAM::Role');
    expect(prop(events, ruleId, 'EventPattern')).toEqual(organizationEventPattern());
    expect(prop(events, roleId, 'RoleName')).toBe('scp-alt-organization-events');
    expect(JSON.stringify(at(packaged.Resources.ScpAltBusOrganizationEventsPolicy, 'Properties'))).toContain(
      ':role/scp-alt-organization-events',
    );
    expect(prop(events, roleId, 'AssumeRolePolicyDocument', 'Statement', 0, 'Principal')).toEqual({
      Service: 'events.amazonaws.com',
    });
    expect(allowedActions(roleStatements(events, roleId))).toEqual(['events:PutEvents']);
    expect(JSON.stringify(roleStatements(events, roleId)[0]!.resources)).toContain(
      ':${SecurityAccountID}:event-bus/${SecurityEventBusName}',
    );
    expect(prop(events, ruleId, 'Targets', 0, 'RoleArn')).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
  });

  it('forwards the Identity Center calls that may take our boundary off a permission set, with the same role', () => {
    const [ruleId] = onlyResourceOfType(
      events,
      'AWS::Events::Rule',
      (id) => id === 'IdentityCenterEventsRule',
    );
    const [roleId] = onlyResourceOfType(events, 'AWS::IAM::Role');
    expect(prop(events, ruleId, 'EventPattern')).toEqual(identityCenterEventPattern());
    expect(prop(events, ruleId, 'Targets', 0, 'RoleArn')).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
  });
});

describe('member-forwarding.yaml', () => {
  it('says to deploy in the IAM events region of each partition', () => {
    expect(forwarding.Description).toContain('cn-north-1 for aws-cn');
    expect(forwarding.Description).toContain('us-east-1 for aws');
  });

  it('forwards the events the dispatcher handles with rule and role scp-event-rule', () => {
    const [ruleId] = onlyResourceOfType(forwarding, 'AWS::Events::Rule');
    const [roleId] = onlyResourceOfType(forwarding, 'AWS::IAM::Role');
    expect(prop(forwarding, ruleId, 'Name')).toBe('scp-event-rule');
    expect(prop(forwarding, ruleId, 'EventPattern')).toEqual(forwardedEventPattern());
    expect(prop(forwarding, roleId, 'RoleName')).toBe('scp-event-rule');
    expect(prop(forwarding, roleId, 'AssumeRolePolicyDocument', 'Statement', 0, 'Principal')).toEqual({
      Service: 'events.amazonaws.com',
    });
    expect(allowedActions(roleStatements(forwarding, roleId))).toEqual(['events:PutEvents']);
    expect(JSON.stringify(roleStatements(forwarding, roleId)[0]!.resources)).toContain(
      ':${SecurityAccountID}:event-bus/${SecurityEventBusName}',
    );
  });

  it('describes its rule unlike enrollment does, so enrollment and deregistration leave it to CloudFormation', () => {
    const [ruleId] = onlyResourceOfType(forwarding, 'AWS::Events::Rule');
    expect(prop(forwarding, ruleId, 'Description')).not.toBe(ENROLLMENT_RULE_DESCRIPTION);
    expect(String(prop(forwarding, ruleId, 'Description'))).toContain('StackSets');
  });

  it('defaults CreateCloudTrail as the Service Catalog product does', () => {
    expect(forwarding.Parameters?.CreateCloudTrail?.Default).toBe(
      product.Parameters?.CreateCloudTrail?.Default,
    );
  });

  it('creates trail scp-trail and its bucket only when CreateCloudTrail is yes', () => {
    expect(forwarding.Parameters?.CreateCloudTrail?.AllowedValues).toEqual(['yes', 'no']);
    expect(forwarding.Conditions?.CreateTrail).toEqual({
      'Fn::Equals': [{ Ref: 'CreateCloudTrail' }, 'yes'],
    });
    const [trailId, trail] = onlyResourceOfType(forwarding, 'AWS::CloudTrail::Trail');
    const [bucketId, bucket] = onlyResourceOfType(forwarding, 'AWS::S3::Bucket');
    expect([trail.Condition, bucket.Condition]).toEqual(['CreateTrail', 'CreateTrail']);
    expect(prop(forwarding, trailId, 'TrailName')).toBe('scp-trail');
    expect(prop(forwarding, bucketId, 'BucketName')).toEqual({
      'Fn::Sub': 'scp-trail-bucket-${AWS::AccountId}',
    });
  });
});

describe('Service Catalog', () => {
  it('launches "SCP Account register" with MemberAccountID, OrganizationUnitID, CreateCloudTrail, ProtectedTrails and StandaloneExternalId', () => {
    expect(Object.keys(product.Parameters ?? {}).sort()).toEqual([
      'CreateCloudTrail',
      'MemberAccountID',
      'OrganizationUnitID',
      'ProtectedTrails',
      'StandaloneExternalId',
    ]);
    expect(product.Parameters?.ProtectedTrails?.Default).toBe('');
    // A member account by default; the external id is a shared secret, never echoed.
    expect(product.Parameters?.StandaloneExternalId?.Default).toBe('');
    expect(product.Parameters?.StandaloneExternalId?.NoEcho).toBe(true);
    const [productId] = onlyResourceOfType(catalog, 'AWS::ServiceCatalog::CloudFormationProduct');
    expect(prop(catalog, productId, 'Name')).toBe('SCP Account register');
  });

  it('hands the launch parameters to the account-register function as a custom resource', () => {
    const [, registration] = onlyResourceOfType(product, 'Custom::ScpAccountRegister');
    expect(registration.Properties).toEqual({
      ServiceToken: { 'Fn::ImportValue': EXPORT_NAME },
      MemberAccountID: { Ref: 'MemberAccountID' },
      OrganizationUnitID: { Ref: 'OrganizationUnitID' },
      CreateCloudTrail: { Ref: 'CreateCloudTrail' },
      ProtectedTrails: { Ref: 'ProtectedTrails' },
      StandaloneExternalId: { Ref: 'StandaloneExternalId' },
    });
    const registerFn = deployedFunctions(packaged).find((fn) => fn.name === 'account-register')!;
    const exported = Object.values(packaged.Outputs ?? {}).find(
      (output) => output.Export?.Name === EXPORT_NAME,
    );
    expect(exported?.Value).toEqual({ 'Fn::GetAtt': [registerFn.logicalId, 'Arn'] });
  });

  it('gives the catalog administrator access and launches with a least-privilege role', () => {
    const [associationId] = onlyResourceOfType(catalog, 'AWS::ServiceCatalog::PortfolioPrincipalAssociation');
    expect(prop(catalog, associationId, 'PrincipalARN')).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:${SCPCatalogAdministrator}',
    });
    const [constraintId] = onlyResourceOfType(catalog, 'AWS::ServiceCatalog::LaunchRoleConstraint');
    const roleId = String(prop(catalog, constraintId, 'RoleArn', 'Fn::GetAtt', 0));
    const statements = roleStatements(catalog, roleId);
    const invoke = statements.filter((s) => s.actions.some((action) => action.startsWith('lambda:')));
    expect(invoke.map((s) => [s.actions, s.resources])).toEqual([
      [['lambda:InvokeFunction'], [{ 'Fn::ImportValue': EXPORT_NAME }]],
    ]);
    expect(allowedActions(statements).every((a) => /^(cloudformation|s3|lambda):[A-Za-z]+$/.test(a))).toBe(
      true,
    );
    expect(prop(catalog, roleId, 'ManagedPolicyArns')).toBeUndefined();
    expect(resourcesOfType(catalog, 'AWS::IAM::Role')).toHaveLength(1);
  });
});
