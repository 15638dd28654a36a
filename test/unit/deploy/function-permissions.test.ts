// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the ${…} are CloudFormation Fn::Sub variables.
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_PERMISSIONS } from '#functions/permissions.ts';
import { type DeployedFunction, deployedFunctions } from './support/deployed-functions.ts';
import { loadPackagedTemplate, PACKAGING_TIMEOUT_MS } from './support/packaged-template.ts';
import { allowedActions, type FoundStatement, roleStatements } from './support/policy-statements.ts';
import { type CfnTemplate, isRecord } from './support/templates.ts';

let template: CfnTemplate;
let functions: DeployedFunction[];

beforeAll(async () => {
  template = await loadPackagedTemplate();
  functions = deployedFunctions(template);
}, PACKAGING_TIMEOUT_MS);

/** Granted by osls for the platform, not by our code: logging, and polling the SQS event source. */
const PLATFORM_ACTIONS = new Set(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents']);
const EVENT_SOURCE_ACTIONS = new Set(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes']);
const isPlatformAction = (fn: DeployedFunction, action: string) =>
  PLATFORM_ACTIONS.has(action) || (QUEUE_OF[fn.name] !== undefined && EVENT_SOURCE_ACTIONS.has(action));

const MANAGEMENT_ROLE = {
  'Fn::Sub': 'arn:${AWS::Partition}:iam::${ManagementAccountID}:role/${ManagementAccountAccessRoleName}',
};
/** The role standalone accounts deploy (templates/standalone-account-role.yaml), by name in any account. */
const STANDALONE_ROLES = { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/${StandaloneRoleName}' };
const POLICY_BUCKET = 'arn:${AWS::Partition}:s3:::scp-alt-${AWS::AccountId}';

/** The queue each queue-triggered function polls. */
const QUEUE_OF: Partial<Record<DeployedFunction['name'], string>> = {
  'iam-event-dispatcher': 'IamEventQueue',
  'organization-event-dispatcher': 'OrganizationEventQueue',
  'account-worker': 'AccountWorkQueue',
};
/** Queues a function sends to or reads beside its event source: the account work queue and its dead letters. */
const QUEUE_USE: Partial<Record<DeployedFunction['name'], Record<string, string>>> = {
  's3-event-dispatcher': { 'sqs:SendMessage': 'AccountWorkQueue' },
  reconciler: {
    'sqs:SendMessage': 'AccountWorkQueue',
    'sqs:ReceiveMessage': 'AccountWorkDeadLetterQueue',
    'sqs:DeleteMessage': 'AccountWorkDeadLetterQueue',
  },
};

/** The only resources each service may be granted on, per function. */
function allowedResource(fn: DeployedFunction, action: string, resource: unknown): boolean {
  const sub = isRecord(resource) ? resource['Fn::Sub'] : undefined;
  const service = action.split(':')[0];
  switch (service) {
    case 'sts':
      return [MANAGEMENT_ROLE, STANDALONE_ROLES].some(
        (role) => JSON.stringify(resource) === JSON.stringify(role),
      );
    case 's3':
      return sub === POLICY_BUCKET || sub === `${POLICY_BUCKET}/permission-boundary-policy/*`;
    case 'dynamodb':
      return JSON.stringify(resource) === JSON.stringify({ 'Fn::GetAtt': ['AccountsTable', 'Arn'] });
    case 'sns':
      return JSON.stringify(resource) === JSON.stringify({ Ref: 'FailureTopic' });
    case 'logs':
      return typeof sub === 'string' && sub.includes(`:log-group:/aws/lambda/scp-alt-prod-${fn.name}:`);
    case 'sqs': {
      const queue = QUEUE_USE[fn.name]?.[action] ?? QUEUE_OF[fn.name];
      return JSON.stringify(resource) === JSON.stringify({ 'Fn::GetAtt': [queue, 'Arn'] });
    }
    default:
      return false;
  }
}

function misplacedGrants(fn: DeployedFunction, statements: FoundStatement[]): string[] {
  return statements.flatMap((statement) =>
    statement.actions.flatMap((action) => {
      return statement.resources
        .filter((resource) => !allowedResource(fn, action, resource))
        .map((resource) => `${action} on ${JSON.stringify(resource)}`);
    }),
  );
}

describe('one least-privilege role per function', () => {
  it('gives every function a role of its own', () => {
    const roles = functions.map((fn) => fn.roleLogicalId);
    expect(new Set(roles).size).toBe(functions.length);
    for (const fn of functions) expect(template.Resources[fn.roleLogicalId]?.Type).toBe('AWS::IAM::Role');
  });

  it('keeps the unused shared osls role out of the stack', () => {
    const shared = template.Resources.IamRoleLambdaExecution;
    expect(shared?.Condition).toBeDefined();
    expect(template.Conditions?.[shared!.Condition!]).toEqual({
      'Fn::Equals': ['every function has its own role', 'false'],
    });
  });

  it.each(Object.keys(FUNCTION_PERMISSIONS))(
    '%s may make exactly the calls functions/permissions.ts lists as own',
    (name) => {
      const fn = functions.find((candidate) => candidate.name === name)!;
      const granted = allowedActions(roleStatements(template, fn.roleLogicalId)).filter(
        (action) => !isPlatformAction(fn, action),
      );
      const own = FUNCTION_PERMISSIONS[fn.name].own;
      // Every call covered…
      expect(
        own.filter((action) => !granted.includes(action)),
        'calls without a grant',
      ).toEqual([]);
      // …and nothing granted that the code does not call.
      expect(
        granted.filter((action) => !own.includes(action)),
        'grants without a call',
      ).toEqual([]);
    },
  );

  it.each(Object.keys(FUNCTION_PERMISSIONS))(
    '%s may assume only the management role and standalone access roles, read only the policy bucket, write only its table, publish only its topic',
    (name) => {
      const fn = functions.find((candidate) => candidate.name === name)!;
      expect(misplacedGrants(fn, roleStatements(template, fn.roleLogicalId))).toEqual([]);
    },
  );

  it('lets only the queue-triggered functions poll, each its own queue, and replay read the dead letters', () => {
    const polling = functions.filter((fn) =>
      allowedActions(roleStatements(template, fn.roleLogicalId)).includes('sqs:ReceiveMessage'),
    );
    expect(polling.map((fn) => fn.name).sort()).toEqual([...Object.keys(QUEUE_OF), 'reconciler'].sort());
  });
});
