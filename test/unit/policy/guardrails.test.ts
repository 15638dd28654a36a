/**
 * A guard-rail stack in the shapes published SCPs take (fixtures/guardrails, a policy folder the
 * CLI reads too): deny outside the China regions with a long NotAction list, GuardDuty / Config /
 * Security Hub / CloudTrail protections, deny leaving the organization, a root-user statement,
 * data and network perimeter conditions, retired service prefixes, a pattern matching nothing, and
 * an account allow-list with overlapping conditional allows. It compiles, spills into an
 * additional policy, and iam-simulate decides every sampled request under it like the native chain
 * (allow-all identity policy, and a same-account resource policy granting the caller directly).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileBoundary } from '#policy/compile.ts';
import type { EvaluationRequest, PolicySet } from '#policy/evaluate.ts';
import { defaultBoundaryParameters } from '#policy/parameters.ts';
import {
  type CompileInput,
  IAM_MANAGED_POLICY_SIZE_LIMIT,
  POLICY_PREFIX,
  type PolicyDocument,
} from '#policy/types.ts';
import { compareDecisions } from '../fidelity/fidelity-check.ts';

const FOLDER = fileURLToPath(new URL('./fixtures/guardrails/', import.meta.url));
const ACCOUNT = '111122223333';
const OU = 'ou-ab12-11111111';
const P = 'aws-cn';

function filesOf(target: string): { key: string; body: string }[] {
  const single = `${target}.json`;
  const entries = readdirSync(FOLDER, { withFileTypes: true });
  if (entries.some((entry) => entry.isFile() && entry.name === single)) {
    return [{ key: `${POLICY_PREFIX}${single}`, body: readFileSync(`${FOLDER}${single}`, 'utf8') }];
  }
  if (!entries.some((entry) => entry.isDirectory() && entry.name === target)) return [];
  return readdirSync(`${FOLDER}${target}`)
    .sort()
    .map((name) => ({
      key: `${POLICY_PREFIX}${target}/${name}`,
      body: readFileSync(`${FOLDER}${target}/${name}`, 'utf8'),
    }));
}

const targets = ['r-ab12', OU, `account-${ACCOUNT}`];
// As a deployment compiles it: the default WhitelistRoleName is protected too.
const params = defaultBoundaryParameters({
  partition: P,
  accountId: ACCOUNT,
  whitelistRoleNames: ['stacksets-exec-*'],
});
const input: CompileInput = {
  params,
  chain: targets.map((target) => ({ target, sources: filesOf(target) })),
};

function nativeChain(): PolicySet['scpChain'] {
  return input.chain.map(({ target, sources }) => ({
    level: target,
    policies: sources.map((source) => ({
      source: source.key,
      document: JSON.parse(source.body.replaceAll('<ACCOUNT_ID>', ACCOUNT)),
    })),
  }));
}

const arn = (service: string, region: string, resource: string) =>
  `arn:${P}:${service}:${region}:${ACCOUNT}:${resource}`;
const REQUESTS: Record<string, string[]> = {
  'ec2:RunInstances': [arn('ec2', 'cn-north-1', 'instance/i-1'), arn('ec2', 'us-east-1', 'instance/i-2')],
  'ec2:DescribeInstances': ['*'],
  'ec2:DescribeRegions': ['*'],
  'ec2:DisableEbsEncryptionByDefault': ['*'],
  'ec2:CreateInternetGateway': [arn('ec2', 'cn-north-1', 'internet-gateway/igw-1')],
  's3:GetObject': [`arn:${P}:s3:::data-lake/a.csv`],
  's3:PutObject': [`arn:${P}:s3:::data-lake/b.csv`],
  's3:ListAllMyBuckets': ['*'],
  's3:PutAccountPublicAccessBlock': ['*'],
  'dynamodb:GetItem': [arn('dynamodb', 'cn-north-1', 'table/Orders')],
  'kms:Decrypt': [arn('kms', 'cn-northwest-1', 'key/1234abcd-12ab-34cd-56ef-1234567890ab')],
  'lambda:InvokeFunction': [arn('lambda', 'cn-north-1', 'function:report')],
  'rds:CreateDBInstance': [arn('rds', 'cn-north-1', 'db:orders')],
  'organizations:LeaveOrganization': ['*'],
  'guardduty:DeleteDetector': [arn('guardduty', 'cn-north-1', 'detector/abc123')],
  'config:StopConfigurationRecorder': ['*'],
  'securityhub:DisableSecurityHub': [arn('securityhub', 'cn-north-1', 'hub/default')],
  'macie2:DisableMacie': ['*'],
  'cloudtrail:StopLogging': [
    arn('cloudtrail', 'cn-north-1', 'trail/organization-trail'),
    arn('cloudtrail', 'cn-north-1', 'trail/team-trail'),
  ],
  'iam:GetRole': [`arn:${P}:iam::${ACCOUNT}:role/App`],
  'iam:DeleteRole': [`arn:${P}:iam::${ACCOUNT}:role/App`],
  'iam:CreateAccessKey': [`arn:${P}:iam::${ACCOUNT}:user/alice`],
  'secretsmanager:GetSecretValue': [
    arn('secretsmanager', 'cn-north-1', 'secret:db-AbCdEf'),
    arn('secretsmanager', 'cn-northwest-1', 'secret:team/api-AbCdEf'),
    arn('secretsmanager', 'cn-northwest-1', 'secret:other-AbCdEf'),
  ],
  'account:EnableRegion': ['*'],
  'aws-portal:ModifyBilling': ['*'],
  'globalaccelerator:CreateAccelerator': ['*'],
  'sts:GetCallerIdentity': ['*'],
  'route53:ChangeResourceRecordSets': [`arn:${P}:route53:::hostedzone/Z1`],
};
const PRINCIPALS = [
  `arn:${P}:iam::${ACCOUNT}:user/alice`,
  `arn:${P}:iam::${ACCOUNT}:role/platform/deployer`,
  `arn:${P}:iam::${ACCOUNT}:role/network/network-admin`,
  `arn:${P}:iam::${ACCOUNT}:role/Developer`,
];

const request: fc.Arbitrary<EvaluationRequest> = fc
  .record({
    action: fc.constantFrom(...Object.keys(REQUESTS)),
    index: fc.nat(),
    principal: fc.constantFrom(...PRINCIPALS),
    region: fc.constantFrom('cn-north-1', 'cn-northwest-1', 'us-east-1'),
    mfa: fc.constantFrom('true', 'false', undefined),
    sourceIp: fc.constantFrom('10.1.2.3', '203.0.113.9'),
    viaService: fc.constantFrom('true', 'false'),
    resourceAccount: fc.constantFrom(ACCOUNT, '444455556666', '777788889999'),
    tokens: fc.constantFrom('required', 'optional'),
  })
  .map((draft) => {
    const resources = REQUESTS[draft.action] ?? ['*'];
    const resource = resources[draft.index % resources.length] ?? '*';
    const context: Record<string, string> = {
      'aws:RequestedRegion': resource.split(':')[3] || draft.region,
      'aws:PrincipalArn': draft.principal,
      'aws:PrincipalAccount': ACCOUNT,
      'aws:SourceIp': draft.sourceIp,
      'aws:ViaAWSService': draft.viaService,
      'aws:ResourceAccount': draft.resourceAccount,
      'ec2:MetadataHttpTokens': draft.tokens,
    };
    if (draft.mfa !== undefined) context['aws:MultiFactorAuthPresent'] = draft.mfa;
    return { action: draft.action, resource, principalArn: draft.principal, accountId: ACCOUNT, context };
  });

const sizeOf = (policy: PolicyDocument) => JSON.stringify(policy).length;

describe('a published-style guard-rail stack', () => {
  const outcome = compileBoundary(input);

  it('Given the stack, when compiled as a deployment would, then it fits the boundary and one or more additional Deny-only policies', () => {
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
    expect(outcome.additionalPolicies.length).toBeGreaterThanOrEqual(1);
    expect(outcome.size).toBeLessThanOrEqual(IAM_MANAGED_POLICY_SIZE_LIMIT);
    for (const extra of outcome.additionalPolicies) {
      expect(extra.size).toBe(sizeOf(extra.policy));
      expect(extra.size).toBeLessThanOrEqual(IAM_MANAGED_POLICY_SIZE_LIMIT);
      expect(extra.policy.Statement.every((statement) => statement.Effect === 'Deny')).toBe(true);
    }
    expect(outcome.additionalPolicies.map((extra) => extra.name)[0]).toBe('scp-enforce-policy-2');
  });

  it('Given the stack, when compiled, then the root-user statement, retired prefixes and the pattern matching nothing are warnings, not refusals', () => {
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
    const codes = new Set(outcome.warnings.map((warning) => warning.code));
    expect([...codes].sort()).toEqual([
      'compile.action.unmatched-dropped',
      'compile.statement.root-only',
      'policy.statement.action.matches-nothing',
      'policy.statement.action.service-unknown',
    ]);
    const compiledText = JSON.stringify([
      outcome.policy,
      ...outcome.additionalPolicies.map((extra) => extra.policy),
    ]);
    expect(compiledText).not.toContain(':root');
    // Dropped where dropping denies more (an allow-list, a NotAction exception list) ...
    expect(compiledText).not.toContain('elastic-inference');
    expect(compiledText).not.toContain('awsbillingconsole:*');
    // ... kept in Deny Action lists, where dropping would deny less for a service newer than the catalog.
    expect(compiledText).toContain('macie:*');
  });

  it('Given 600 sampled requests, when decided by iam-simulate, then the compiled policies decide like the native chain, with and without a resource policy granting the caller', async () => {
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
    const scpChain = nativeChain();
    const requests = fc.sample(request, { numRuns: 600, seed: 16_2026 });
    let allowed = 0;
    const mismatches: unknown[] = [];
    for (const sampled of requests) {
      const comparison = await compareDecisions(scpChain, outcome, sampled);
      mismatches.push(...comparison.mismatches);
      if (comparison.allowedNatively) allowed++;
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
    // Both outcomes are common enough for the agreement to mean something.
    expect(allowed).toBeGreaterThan(60);
    expect(requests.length - allowed).toBeGreaterThan(60);
  });
});
