/**
 * fast-check generators of (policy set, request) cases for the evaluator/oracle agreement test.
 *
 * Shapes left out on purpose, because iam-simulate models them differently from a concrete IAM
 * request and the difference is the oracle's, not ours:
 * - request resource "*" or with wildcards: iam-simulate answers "could any matching resource be
 *   allowed" (an Allow on a specific ARN matches "*"), a question for policy analysis;
 * - kms and sts actions: service-specific trust (key policies, role trust policies) on top of IAM;
 * - epoch-number dates (iam-simulate compares epoch seconds with milliseconds) and wildcards in the
 *   resource-type part of an ARN (iam-simulate requires that part literally);
 * - IP literals of the other family than the request address, and the /0 block (iam-simulate's
 *   32-bit shift makes 0.0.0.0/0 match nothing; IAM documents it as every IPv4 address).
 */
import fc from 'fast-check';
import type {
  ContextValue,
  EvaluatedStatement,
  EvaluationRequest,
  NamedPolicy,
  PolicySet,
  PrincipalElement,
} from '#policy/evaluate.ts';
import { KEY_SHAPES } from './condition-samples.ts';
import { ACCOUNT, OTHER_ACCOUNT, PRINCIPALS, policyVariable } from './names.ts';

const P = 'aws-cn';

/** Actions and resources they act on (resource account: the ARN's, or either for S3). */
const ACTION_RESOURCES: Record<string, string[]> = {
  's3:GetObject': [`arn:${P}:s3:::bucket-a/home/alice/notes.txt`, `arn:${P}:s3:::bucket-b/data.csv`],
  's3:PutObject': [`arn:${P}:s3:::bucket-a/upload/x.bin`],
  's3:DeleteObject': [`arn:${P}:s3:::bucket-b/data.csv`],
  's3:ListBucket': [`arn:${P}:s3:::bucket-a`],
  'ec2:RunInstances': [`arn:${P}:ec2:cn-north-1:${ACCOUNT}:instance/i-0abc`],
  'ec2:TerminateInstances': [`arn:${P}:ec2:cn-northwest-1:${OTHER_ACCOUNT}:instance/i-0def`],
  'iam:CreateRole': [`arn:${P}:iam::${ACCOUNT}:role/App`],
  'iam:PassRole': [`arn:${P}:iam::${ACCOUNT}:role/Admin`],
  'iam:GetUser': [`arn:${P}:iam::${ACCOUNT}:user/alice`],
  'dynamodb:GetItem': [`arn:${P}:dynamodb:cn-north-1:${ACCOUNT}:table/Orders`],
  'dynamodb:PutItem': [`arn:${P}:dynamodb:cn-north-1:${OTHER_ACCOUNT}:table/Orders`],
  'sqs:SendMessage': [`arn:${P}:sqs:cn-north-1:${ACCOUNT}:queue-1`],
  'sns:Publish': [`arn:${P}:sns:cn-northwest-1:${ACCOUNT}:alerts`],
  'lambda:InvokeFunction': [`arn:${P}:lambda:cn-north-1:${OTHER_ACCOUNT}:function:report`],
  'cloudtrail:StopLogging': [`arn:${P}:cloudtrail:cn-north-1:${ACCOUNT}:trail/scp-trail`],
};

const ACTION_PATTERNS = [
  '*',
  's3:*',
  's3:Get*',
  's3:*Object',
  'S3:getobject',
  's3:List?ucket',
  'ec2:*Instances',
  'iam:*Role*',
  'iam:Get*',
  'dynamodb:?etItem',
  'sqs:Send*',
  'sns:Publish',
  'lambda:Invoke*',
  'cloudtrail:*',
  'ec2:RunInstances',
];

const RESOURCE_PATTERNS = [
  '*',
  `arn:${P}:s3:::bucket-a/*`,
  `arn:${P}:s3:::bucket-?/*`,
  `arn:${P}:s3:::bucket-a`,
  `arn:${P}:s3:::*`,
  `arn:${P}:s3:::bucket-a/home/${policyVariable('aws:username')}/*`,
  `arn:${P}:ec2:*:${ACCOUNT}:instance/*`,
  `arn:${P}:iam::${ACCOUNT}:role/*`,
  `arn:${P}:iam::*:user/${policyVariable('aws:username')}`,
  `arn:*:dynamodb:cn-north-1:*:table/Orders`,
  `arn:${P}:sqs:*:*:queue-*`,
  `arn:${P}:*:cn-northwest-1:*:*`,
  `arn:${P}:lambda:cn-north-1:${OTHER_ACCOUNT}:function:*`,
  `arn:${P}:cloudtrail:cn-north-1:${ACCOUNT}:trail/scp-trail`,
  `arn:${P}:iam::${ACCOUNT}:user/Alice`,
];

const PREFIXES = ['', '', '', 'ForAllValues:', 'ForAnyValue:'];

function conditionEntry(): fc.Arbitrary<[string, string, string[]]> {
  return fc.constantFrom(...KEY_SHAPES).chain((shape) =>
    fc
      .tuple(
        fc.constantFrom(...shape.operators, 'Null'),
        fc.constantFrom(...PREFIXES),
        fc.boolean(),
        fc.subarray(shape.policyValues, { minLength: 1, maxLength: Math.min(3, shape.policyValues.length) }),
      )
      .map(([operator, prefix, ifExists, values]): [string, string, string[]] => {
        if (operator === 'Null') return ['Null', shape.key, [values.length % 2 ? 'true' : 'false']];
        return [`${prefix}${operator}${ifExists ? 'IfExists' : ''}`, shape.key, values];
      }),
  );
}

export function conditionBlock(): fc.Arbitrary<EvaluatedStatement['Condition']> {
  return fc.array(conditionEntry(), { minLength: 1, maxLength: 2 }).map((entries) => {
    const block: NonNullable<EvaluatedStatement['Condition']> = {};
    for (const [operator, key, values] of entries) {
      block[operator] = { ...block[operator], [key]: values.length === 1 ? (values[0] as string) : values };
    }
    return block;
  });
}

const listOrOne = (pool: string[]) =>
  fc
    .subarray(pool, { minLength: 1, maxLength: 3 })
    .map((items) => (items.length === 1 ? (items[0] as string) : items));

export function statement(effect?: 'Allow' | 'Deny'): fc.Arbitrary<EvaluatedStatement> {
  return fc
    .record({
      Effect: effect ? fc.constant(effect) : fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Allow', 'Deny'),
      notAction: fc.boolean(),
      actions: listOrOne(ACTION_PATTERNS),
      notResource: fc.boolean(),
      resources: listOrOne(RESOURCE_PATTERNS),
      Condition: fc.option(conditionBlock(), { freq: 2, nil: undefined }),
      sid: fc.option(fc.constantFrom('S1', 'S2'), { nil: undefined }),
    })
    .map(({ Effect, notAction, actions, notResource, resources, Condition, sid }) => {
      const result: EvaluatedStatement = { Effect };
      if (sid) result.Sid = sid;
      if (notAction && actions !== '*') result.NotAction = actions;
      else result.Action = actions;
      if (notResource && resources !== '*') result.NotResource = resources;
      else result.Resource = resources;
      if (Condition) result.Condition = Condition;
      return result;
    });
}

const ALLOW_ALL: EvaluatedStatement = { Effect: 'Allow', Action: '*', Resource: '*' };

function policy(source: string, statements: fc.Arbitrary<EvaluatedStatement[]>): fc.Arbitrary<NamedPolicy> {
  return statements.map((list) => ({ source, document: { Version: '2012-10-17', Statement: list } }));
}

/** Allow-all is common in real chains; mixing it in keeps Allowed decisions frequent. */
function statements(min: number, max: number): fc.Arbitrary<EvaluatedStatement[]> {
  return fc
    .tuple(fc.array(statement(), { minLength: min, maxLength: max }), fc.boolean())
    .map(([list, allowAll]) => (allowAll ? [ALLOW_ALL, ...list] : list));
}

const PRINCIPAL_ELEMENTS: PrincipalElement[] = [
  '*',
  { AWS: PRINCIPALS[0] as string },
  { AWS: PRINCIPALS[1] as string },
  { AWS: PRINCIPALS[2] as string },
  { AWS: ACCOUNT },
  { AWS: `arn:${P}:iam::${OTHER_ACCOUNT}:root` },
  { AWS: [PRINCIPALS[3] as string, `arn:${P}:iam::${ACCOUNT}:user/carol`] },
  { AWS: '*' },
];

function resourceStatement(): fc.Arbitrary<EvaluatedStatement> {
  return fc
    .tuple(statement(), fc.constantFrom(...PRINCIPAL_ELEMENTS), fc.boolean())
    .map(([base, principal, not]) =>
      not && base.Effect === 'Deny' && principal !== '*'
        ? { ...base, NotPrincipal: principal }
        : { ...base, Principal: principal },
    );
}

export function policySet(): fc.Arbitrary<PolicySet> {
  const level = (name: string) =>
    fc.array(policy(`${name}.json`, statements(1, 3)), { minLength: 1, maxLength: 2 }).map((policies) => ({
      level: name,
      policies: policies.map((item, index) => ({ ...item, source: `${name}/p${index}.json` })),
    }));
  return fc
    .record({
      scpChain: fc
        .integer({ min: 0, max: 3 })
        .chain((depth) =>
          fc.tuple(
            ...Array.from({ length: depth }, (_, index) =>
              level(index === 0 ? 'r-ab12' : `ou-ab12-${index}`),
            ),
          ),
        ),
      identityPolicies: fc.array(policy('identity', statements(1, 3)), { minLength: 0, maxLength: 2 }),
      permissionsBoundary: fc.option(policy('boundary', statements(1, 3)), { nil: undefined }),
      resourcePolicy: fc.option(
        policy('resource-policy', fc.array(resourceStatement(), { minLength: 1, maxLength: 3 })),
        {
          nil: undefined,
        },
      ),
    })
    .map((set) => {
      const cleaned: PolicySet = { scpChain: set.scpChain, identityPolicies: set.identityPolicies };
      if (set.permissionsBoundary) cleaned.permissionsBoundary = set.permissionsBoundary;
      if (set.resourcePolicy) cleaned.resourcePolicy = set.resourcePolicy;
      return cleaned;
    });
}

function context(principal: string): fc.Arbitrary<Record<string, ContextValue>> {
  const entries = KEY_SHAPES.map((shape) =>
    fc
      .option(fc.constantFrom(...shape.requestValues), { freq: 2, nil: undefined })
      .map((value) => [shape.key, value] as const),
  );
  return fc.tuple(...entries).map((pairs) => {
    const values: Record<string, ContextValue> = {};
    for (const [key, value] of pairs) if (value !== undefined) values[key] = value;
    const user = /:user\/(.+)$/.exec(principal)?.[1];
    if (user) values['aws:username'] = user;
    return values;
  });
}

function resourceAccount(resource: string): fc.Arbitrary<string> {
  const account = resource.split(':')[4];
  return account ? fc.constant(account) : fc.constantFrom(ACCOUNT, OTHER_ACCOUNT);
}

export function request(): fc.Arbitrary<EvaluationRequest> {
  return fc
    .tuple(fc.constantFrom(...Object.keys(ACTION_RESOURCES)), fc.constantFrom(...PRINCIPALS))
    .chain(([action, principalArn]) =>
      fc.constantFrom(...(ACTION_RESOURCES[action] ?? [])).chain((resource) =>
        fc.record({
          action: fc.constant(action),
          resource: fc.constant(resource),
          principalArn: fc.constant(principalArn),
          accountId: resourceAccount(resource),
          context: context(principalArn),
        }),
      ),
    );
}
