/** Packing statements into native SCPs: nothing lost, nothing over quota, meaning unchanged. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateRequest, type NamedPolicy } from '#policy/evaluate.ts';
import { canonicalJson, type PolicySource, type PolicyStatement } from '#policy/index.ts';
import { DEFAULT_NATIVE_QUOTAS, packStatements, type SourcedNativeStatement } from '#policy/native-pack.ts';
import { exportNativeScps } from '#usecases/export-native.ts';

const ACTIONS = [
  's3:GetObject',
  's3:PutObject',
  'ec2:RunInstances',
  'iam:CreateUser',
  'kms:Decrypt',
  'sqs:SendMessage',
];

const statement: fc.Arbitrary<PolicyStatement> = fc
  .record({
    Sid: fc.constantFrom('A', 'B', 'C', undefined),
    Effect: fc.constantFrom('Allow' as const, 'Deny' as const),
    Action: fc.subarray(ACTIONS, { minLength: 1 }),
    Resource: fc.constant('*'),
    Condition: fc.option(
      fc
        .constantFrom('cn-north-1', 'cn-northwest-1')
        .map((region) => ({ StringEquals: { 'aws:RequestedRegion': region } })),
      { nil: undefined },
    ),
  })
  .map((drafted) => JSON.parse(JSON.stringify(drafted)) as PolicyStatement);

const sourced = (statements: PolicyStatement[]): SourcedNativeStatement[] =>
  statements.map((item, index) => ({ statement: item, file: 'f.json', path: `Statement[${index}]` }));

describe('packStatements', () => {
  it('Given any statements and quota, when packed, then every statement lands once, each policy fits and Sids are unique', () => {
    fc.assert(
      fc.property(
        fc.array(statement, { maxLength: 40 }),
        fc.integer({ min: 250, max: 2_000 }),
        (statements, maxSize) => {
          const before = structuredClone(statements);
          const outcome = packStatements('r-ab12', sourced(statements), { maxSize, maxPerTarget: 100 });
          expect(statements).toEqual(before);
          if (!outcome.ok) return;
          const packed = outcome.policies.flatMap((policy) => policy.document.Statement);
          const withoutSid = (items: PolicyStatement[]) =>
            items.map((item) => canonicalJson({ ...item, Sid: undefined })).sort();
          expect(withoutSid(packed)).toEqual(withoutSid(statements));
          for (const policy of outcome.policies) {
            expect(policy.size).toBe(policy.text.length);
            expect(policy.size).toBeLessThanOrEqual(maxSize);
            const sids = policy.document.Statement.flatMap((item) => (item.Sid ? [item.Sid] : []));
            expect(new Set(sids).size).toBe(sids.length);
          }
        },
      ),
    );
  });

  it('Given a target packed into several policies, then a request is decided as by the unsplit files (native SCPs on one target combine)', () => {
    fc.assert(
      fc.property(
        fc.array(statement, { minLength: 1, maxLength: 30 }),
        fc.constantFrom(...ACTIONS),
        fc.constantFrom('cn-north-1', 'us-east-1'),
        (statements, action, region) => {
          const outcome = packStatements('r-ab12', sourced(statements), { maxSize: 400, maxPerTarget: 100 });
          if (!outcome.ok) return;
          const request = {
            action,
            resource: '*',
            principalArn: 'arn:aws-cn:iam::111122223333:user/a',
            accountId: '111122223333',
            context: { 'aws:RequestedRegion': region },
          };
          const admin: NamedPolicy = {
            source: 'admin',
            document: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
          };
          const whole = evaluateRequest(request, {
            scpChain: [
              { level: 'r-ab12', policies: [{ source: 'all', document: { Statement: statements } }] },
            ],
            identityPolicies: [admin],
          });
          const split = evaluateRequest(request, {
            scpChain: [
              {
                level: 'r-ab12',
                policies: outcome.policies.map((policy, index) => ({
                  source: `p${index}`,
                  document: policy.document,
                })),
              },
            ],
            identityPolicies: [admin],
          });
          expect(split.decision).toBe(whole.decision);
        },
      ),
    );
  });

  it('Given one statement larger than a policy may be, then the error names its file and path', () => {
    const huge: PolicyStatement = {
      Effect: 'Deny',
      Action: ACTIONS,
      Resource: Array.from({ length: 40 }, (_, i) => `arn:aws-cn:s3:::bucket-${i}/*`),
    };
    const outcome = packStatements('r-ab12', sourced([huge]), { maxSize: 500, maxPerTarget: 10 });
    expect(outcome).toEqual({
      ok: false,
      errors: [
        expect.objectContaining({ code: 'native.statement.too-large', file: 'f.json', path: 'Statement[0]' }),
      ],
    });
  });

  it('Given more policies than the per-target quota, then the error names the target and counts', () => {
    const many = Array.from(
      { length: 12 },
      (_, i): PolicyStatement => ({
        Effect: 'Deny',
        Action: 's3:GetObject',
        Resource: `arn:aws-cn:s3:::bucket-with-a-long-name-${i}/*`,
      }),
    );
    const outcome = packStatements('ou-ab12-11111111', sourced(many), { maxSize: 160, maxPerTarget: 10 });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok)
      expect(outcome.errors[0]?.message).toMatch(
        /^ou-ab12-11111111 needs 12 native SCPs of at most 160 characters; the quota is 10 per target$/,
      );
  });
});

describe('exportNativeScps', () => {
  const allowAll = { Effect: 'Allow', Action: '*', Resource: '*' };
  const file = (key: string, statements: unknown[]): PolicySource => ({
    key: `permission-boundary-policy/${key}`,
    body: JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2),
  });

  it('Given two files of one OU sharing a statement, then one SCP holds the statement once, minified', () => {
    const outcome = exportNativeScps(
      [
        file('ou-ab12-11111111/a.json', [
          allowAll,
          { Sid: 'NoS3', Effect: 'Deny', Action: 's3:*', Resource: '*' },
        ]),
        file('ou-ab12-11111111/b.json', [allowAll]),
      ],
      DEFAULT_NATIVE_QUOTAS,
    );
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.targets).toHaveLength(1);
    const [target] = outcome.targets;
    expect(target?.targetId).toBe('ou-ab12-11111111');
    expect(target?.policies[0]?.document.Statement).toHaveLength(2);
    expect(target?.policies[0]?.text).not.toContain(' ');
  });

  it('Given an account file with <ACCOUNT_ID>, then the id is substituted and the target id is the account', () => {
    const outcome = exportNativeScps(
      [
        file('account-111122223333.json', [
          allowAll,
          { Effect: 'Deny', Action: 'iam:*', Resource: 'arn:aws-cn:iam::<ACCOUNT_ID>:role/admin' },
        ]),
      ],
      DEFAULT_NATIVE_QUOTAS,
    );
    expect(outcome.ok && outcome.targets[0]?.targetId).toBe('111122223333');
    expect(outcome.ok && outcome.targets[0]?.policies[0]?.text).toContain(
      'arn:aws-cn:iam::111122223333:role/admin',
    );
  });

  it('Given an OU file with only Deny statements, then it is exported with a warning that everything below is denied', () => {
    const outcome = exportNativeScps(
      [file('ou-ab12-11111111.json', [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }])],
      DEFAULT_NATIVE_QUOTAS,
    );
    expect(outcome.ok).toBe(true);
    expect(outcome.warnings.map((warning) => warning.code)).toEqual(['native.target.no-allow']);
  });

  it('Given a file with an unknown action, then the export fails with the validator finding', () => {
    const outcome = exportNativeScps(
      [file('r-ab12.json', [{ Effect: 'Allow', Action: 's3:GetObjekt', Resource: '*' }])],
      DEFAULT_NATIVE_QUOTAS,
    );
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.errors[0]?.code).toBe('policy.statement.action.unknown');
  });
});
