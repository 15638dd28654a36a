// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the ${…} are CloudFormation Fn::Sub variables.
import { beforeAll, describe, expect, it } from 'vitest';
import { CLOUDTRAIL_DETAIL_TYPES, forwardedEventPattern } from '#policy/iam-event-names.ts';
import { identityCenterEventPattern, organizationEventPattern } from '#policy/organization-event-names.ts';
import { POLICY_PREFIX } from '#policy/types.ts';
import { deployedFunction } from './support/deployed-functions.ts';
import { loadPackagedTemplate, PACKAGING_TIMEOUT_MS } from './support/packaged-template.ts';
import {
  at,
  type CfnResource,
  type CfnTemplate,
  listAt,
  onlyResourceOfType,
  resourcesOfType,
} from './support/templates.ts';

let template: CfnTemplate;

beforeAll(async () => {
  template = await loadPackagedTemplate();
}, PACKAGING_TIMEOUT_MS);

const props = (resource: CfnResource | undefined): Record<string, unknown> => resource?.Properties ?? {};
/** The event source mapping that feeds one function. */
const mappingOf = (functionLogicalId: string) =>
  onlyResourceOfType(template, 'AWS::Lambda::EventSourceMapping', (_id, resource) =>
    JSON.stringify(resource.Properties?.FunctionName).includes(functionLogicalId),
  )[1];
const policyBucket = () =>
  onlyResourceOfType(template, 'AWS::S3::Bucket', (id) => id !== 'ServerlessDeploymentBucket');

describe('security stack parameters', () => {
  it('keeps the original parameter names', () => {
    expect(Object.keys(template.Parameters ?? {})).toEqual(
      expect.arrayContaining([
        'ManagementAccountID',
        'ManagementAccountAccessRoleName',
        'OrganizationAccessRoleName',
        'WhitelistRoleName',
        'SCPCatalogAdministrator',
        'Email',
        'OrganizationID',
        'RequireBoundaryOnCreate',
      ]),
    );
  });

  it('requires the boundary on create by default, and accepts only true or false', () => {
    const parameter = template.Parameters?.RequireBoundaryOnCreate;
    expect(parameter?.Default).toBe('true');
    expect(parameter?.AllowedValues).toEqual(['true', 'false']);
  });

  it('leaves no default for the settings that identify the organization', () => {
    for (const name of ['ManagementAccountID', 'OrganizationID', 'SCPCatalogAdministrator'])
      expect(template.Parameters?.[name]?.Default, name).toBeUndefined();
  });

  it('subscribes an e-mail address only when Email is set', () => {
    const [, subscription] = onlyResourceOfType(template, 'AWS::SNS::Subscription');
    expect(template.Parameters?.Email?.Default).toBe('');
    expect(subscription.Condition).toBe('HasEmail');
    expect(template.Conditions?.HasEmail).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'Email' }, ''] }] });
    expect(props(subscription)).toMatchObject({ Protocol: 'email', Endpoint: { Ref: 'Email' } });
  });
});

describe('policy bucket', () => {
  it('is scp-alt-<account id>, versioned, encrypted, private and kept on stack deletion', () => {
    const [, bucket] = policyBucket();
    expect(props(bucket).BucketName).toEqual({ 'Fn::Sub': 'scp-alt-${AWS::AccountId}' });
    expect(props(bucket).VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(props(bucket).BucketEncryption).toBeDefined();
    expect(Object.values(at(bucket, 'Properties', 'PublicAccessBlockConfiguration') ?? {})).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect((bucket as { DeletionPolicy?: string }).DeletionPolicy).toBe('Retain');
  });

  it('notifies the s3-event-dispatcher of creates and deletes under the policy prefix', () => {
    const [, bucket] = policyBucket();
    const dispatcher = deployedFunction(template, 's3-event-dispatcher');
    const configurations = listAt(bucket, 'Properties', 'NotificationConfiguration', 'LambdaConfigurations');
    expect(configurations.map((c) => at(c, 'Event')).sort()).toEqual([
      's3:ObjectCreated:*',
      's3:ObjectRemoved:*',
    ]);
    for (const configuration of configurations) {
      expect(at(configuration, 'Function')).toEqual({ 'Fn::GetAtt': [dispatcher.logicalId, 'Arn'] });
      expect(listAt(configuration, 'Filter', 'S3Key', 'Rules')).toContainEqual({
        Name: 'prefix',
        Value: POLICY_PREFIX,
      });
    }
  });

  it('lets S3 invoke the dispatcher before the notification is written, without a dependency cycle', () => {
    const [, bucket] = policyBucket();
    const permissions = resourcesOfType(template, 'AWS::Lambda::Permission').filter(
      ([, permission]) => props(permission).Principal === 's3.amazonaws.com',
    );
    expect(permissions).toHaveLength(1);
    const [permissionId, permission] = permissions[0]!;
    expect(bucket.DependsOn).toContain(permissionId);
    // By name: a reference to the bucket here would close the cycle bucket → permission → bucket.
    expect(props(permission).SourceArn).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:s3:::scp-alt-${AWS::AccountId}',
    });
    expect(props(permission).SourceAccount).toEqual({ Ref: 'AWS::AccountId' });
  });

  it('denies plain-HTTP access and policy writes by anyone but the administrators', () => {
    const [bucketId] = policyBucket();
    const [, policy] = onlyResourceOfType(template, 'AWS::S3::BucketPolicy', (id) => id.startsWith(bucketId));
    const statements = listAt(policy, 'Properties', 'PolicyDocument', 'Statement');
    const tls = statements.find((s) => at(s, 'Condition', 'Bool', 'aws:SecureTransport') === 'false');
    expect(at(tls, 'Effect')).toBe('Deny');
    // Writes of policy files and every change of the bucket's configuration: all but reads.
    const changes = statements.find((s) => at(s, 'Effect') === 'Deny' && at(s, 'NotAction') !== undefined);
    expect(at(changes, 'NotAction')).toEqual(['s3:Get*', 's3:List*']);
    expect(listAt(changes, 'Resource')).toHaveLength(2);
    expect(JSON.stringify(at(changes, 'Condition', 'ArnNotLike', 'aws:PrincipalArn'))).toContain(
      '${SCPCatalogAdministrator}',
    );
  });
});

describe('accounts table', () => {
  it('is on-demand, encrypted, point-in-time recoverable and keyed by AccountId', () => {
    const [, table] = onlyResourceOfType(template, 'AWS::DynamoDB::Table');
    expect(props(table)).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      KeySchema: [{ AttributeName: 'AccountId', KeyType: 'HASH' }],
    });
  });
});

describe('IAM events from member accounts', () => {
  it('arrive on bus scp-alt-bus, which accepts PutEvents only from the forwarding roles of the organization', () => {
    const [busId, bus] = onlyResourceOfType(template, 'AWS::Events::EventBus');
    const [, policy] = onlyResourceOfType(
      template,
      'AWS::Events::EventBusPolicy',
      (id) => id === 'ScpAltBusPolicy',
    );
    expect(props(bus).Name).toBe('scp-alt-bus');
    expect(props(policy).EventBusName).toEqual({ Ref: busId });
    expect(props(policy).Statement).toMatchObject({
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Condition: {
        StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationID' } },
        ArnLike: { 'aws:PrincipalArn': { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/scp-event-rule' } },
      },
    });
  });

  it('match the same pattern the member accounts forward, including both detail types', () => {
    const [, rule] = onlyResourceOfType(template, 'AWS::Events::Rule', (id) => id === 'IamEventRule');
    expect(props(rule).EventPattern).toEqual(forwardedEventPattern());
    expect(at(rule, 'Properties', 'EventPattern', 'detail-type')).toEqual([...CLOUDTRAIL_DETAIL_TYPES]);
  });

  it('reach the iam-event-dispatcher through a queue with a dead-letter queue', () => {
    const [, rule] = onlyResourceOfType(template, 'AWS::Events::Rule', (id) => id === 'IamEventRule');
    const target = at(rule, 'Properties', 'Targets', 0);
    const queueId = String(at(target, 'Arn', 'Fn::GetAtt', 0));
    const queue = template.Resources[queueId];
    const deadLetterId = String(
      at(queue, 'Properties', 'RedrivePolicy', 'deadLetterTargetArn', 'Fn::GetAtt', 0),
    );
    expect(template.Resources[deadLetterId]?.Type).toBe('AWS::SQS::Queue');
    expect(at(target, 'DeadLetterConfig', 'Arn')).toEqual({ 'Fn::GetAtt': [deadLetterId, 'Arn'] });
    const dispatcher = deployedFunction(template, 'iam-event-dispatcher');
    const mapping = mappingOf(dispatcher.logicalId);
    expect(props(mapping).EventSourceArn).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
    expect(props(mapping).FunctionName).toEqual({ 'Fn::GetAtt': [dispatcher.logicalId, 'Arn'] });
    expect(props(mapping).FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    // Lambda needs a visibility timeout of at least the function timeout to avoid double delivery.
    expect(Number(props(queue).VisibilityTimeout)).toBeGreaterThanOrEqual(
      Number(props(dispatcher.resource).Timeout),
    );
    // The dispatcher notifies a failure on the receive after which SQS dead-letters the message.
    expect(Number(dispatcher.environment.QUEUE_MAX_RECEIVE_COUNT)).toBe(
      Number(at(queue, 'Properties', 'RedrivePolicy', 'maxReceiveCount')),
    );
  });
});

describe('Organizations events of the management account', () => {
  const rule = () =>
    onlyResourceOfType(template, 'AWS::Events::Rule', (id) => id === 'OrganizationEventRule');

  it('match the pattern templates/organization-events.yaml forwards', () => {
    const [, organizationRule] = rule();
    expect(props(organizationRule).EventPattern).toEqual(organizationEventPattern());
    expect(props(organizationRule).EventBusName).toEqual({ Ref: 'ScpAltBus' });
  });

  it('and its Identity Center calls go to the same queue, with the pattern the management account forwards', () => {
    const [, identityCenterRule] = onlyResourceOfType(
      template,
      'AWS::Events::Rule',
      (id) => id === 'IdentityCenterEventRule',
    );
    const [, organizationRule] = rule();
    expect(props(identityCenterRule).EventPattern).toEqual(identityCenterEventPattern());
    expect(props(identityCenterRule).Targets).toEqual(props(organizationRule).Targets);
  });

  it('may be put on the bus only by the organization-events role of the management account', () => {
    const [, policy] = onlyResourceOfType(
      template,
      'AWS::Events::EventBusPolicy',
      (id) => id === 'ScpAltBusOrganizationEventsPolicy',
    );
    expect(props(policy).Statement).toMatchObject({
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Condition: {
        StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationID' } },
        ArnEquals: {
          'aws:PrincipalArn': {
            'Fn::Sub': 'arn:${AWS::Partition}:iam::${ManagementAccountID}:role/scp-alt-organization-events',
          },
        },
      },
    });
  });

  it('reach the organization-event-dispatcher through a queue of their own with a dead-letter queue', () => {
    const [, organizationRule] = rule();
    const target = at(organizationRule, 'Properties', 'Targets', 0);
    const queueId = String(at(target, 'Arn', 'Fn::GetAtt', 0));
    expect(queueId).toBe('OrganizationEventQueue');
    const queue = template.Resources[queueId];
    const deadLetterId = String(
      at(queue, 'Properties', 'RedrivePolicy', 'deadLetterTargetArn', 'Fn::GetAtt', 0),
    );
    expect(at(target, 'DeadLetterConfig', 'Arn')).toEqual({ 'Fn::GetAtt': [deadLetterId, 'Arn'] });
    const dispatcher = deployedFunction(template, 'organization-event-dispatcher');
    const mapping = mappingOf(dispatcher.logicalId);
    expect(props(mapping).EventSourceArn).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
    expect(props(mapping).FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(Number(props(queue).VisibilityTimeout)).toBeGreaterThanOrEqual(
      6 * Number(props(dispatcher.resource).Timeout),
    );
  });

  it('offers automatic enrollment only when AutoEnrollOrganizationUnits names OUs', () => {
    expect(template.Parameters?.AutoEnrollOrganizationUnits?.Default).toBe('');
    expect(template.Parameters?.AutoEnrollMovedOut?.AllowedValues).toEqual(['keep', 'deregister']);
    expect(template.Parameters?.AutoEnrollMovedOut?.Default).toBe('keep');
    const pattern = new RegExp(template.Parameters?.AutoEnrollOrganizationUnits?.AllowedPattern ?? '');
    expect(pattern.test('')).toBe(true);
    expect(pattern.test('ou-ab12-11111111, r-ab12')).toBe(true);
    expect(pattern.test('Workloads')).toBe(false);
  });
});

describe('schedule and logs', () => {
  it('runs the reconciler every 6 hours', () => {
    const reconciler = deployedFunction(template, 'reconciler');
    const schedules = resourcesOfType(template, 'AWS::Events::Rule').filter(
      ([, rule]) => props(rule).ScheduleExpression !== undefined,
    );
    expect(schedules.map(([, rule]) => props(rule).ScheduleExpression)).toEqual(['rate(6 hours)']);
    expect(at(schedules[0]?.[1], 'Properties', 'Targets', 0, 'Arn')).toEqual({
      'Fn::GetAtt': [reconciler.logicalId, 'Arn'],
    });
  });

  it('keeps every function log group for a bounded time', () => {
    const groups = resourcesOfType(template, 'AWS::Logs::LogGroup');
    expect(groups).toHaveLength(6);
    for (const [, group] of groups) expect(props(group).RetentionInDays).toBeGreaterThan(0);
  });

  it('runs the functions on nodejs22.x', () => {
    for (const [, fn] of resourcesOfType(template, 'AWS::Lambda::Function'))
      expect(props(fn).Runtime).toBe('nodejs22.x');
  });
});
