import { describe, expect, it } from 'vitest';
import { isTrailName, trailList, trailReferenceProblem } from '#policy/trail-reference.ts';
import { loadConfig } from '#shared/config.ts';

const WHERE = { partition: 'aws-cn', accountId: '111122223333' };

describe('customer trails named for protection', () => {
  it('accepts trail names as CloudTrail allows them, and refuses what CloudTrail would', () => {
    expect(['org-audit', 'security_trail.1', 'abc'].map(isTrailName)).toEqual([true, true, true]);
    expect(['ab', '-audit', 'audit-', 'a--b', 'a._b', 'has space', 'x'.repeat(129)].map(isTrailName)).toEqual(
      [false, false, false, false, false, false, false],
    );
  });

  it('accepts an ARN of a trail of the account, and says why any other is refused', () => {
    const ours = 'arn:aws-cn:cloudtrail:cn-northwest-1:111122223333:trail/org-audit';
    expect(trailReferenceProblem(ours, WHERE)).toBeUndefined();
    expect(trailReferenceProblem('org-audit', WHERE)).toBeUndefined();
    expect(trailReferenceProblem(ours.replace('111122223333', '444455556666'), WHERE)).toMatch(
      /trail of account 444455556666, not of 111122223333/,
    );
    expect(trailReferenceProblem(ours.replace('aws-cn', 'aws'), WHERE)).toMatch(/not in partition aws-cn/);
    expect(trailReferenceProblem(ours.replace('trail/', 'eventdatastore/'), WHERE)).toMatch(
      /not a trail ARN/,
    );
    expect(trailReferenceProblem('not a trail!', WHERE)).toMatch(/neither a trail name/);
  });

  it('reads a comma-separated list without blanks or repeats', () => {
    expect(trailList(' org-audit, ,security-trail,org-audit ')).toEqual(['org-audit', 'security-trail']);
    expect(trailList('')).toEqual([]);
  });
});

describe('configuration of the hardening settings', () => {
  const env = {
    AWS_REGION: 'cn-northwest-1',
    SECURITY_ACCOUNT_ID: '999999999999',
    MANAGEMENT_ACCOUNT_ID: '888888888888',
    MANAGEMENT_ROLE_NAME: 'scp-alt-management',
    POLICY_BUCKET: 'scp-alt-999999999999',
    ACCOUNTS_TABLE: 'scp-alt-accounts',
    FAILURE_TOPIC_ARN: 'arn:aws-cn:sns:cn-northwest-1:999999999999:scp-alt-failures',
    EVENT_BUS_ARN: 'arn:aws-cn:events:cn-northwest-1:999999999999:event-bus/scp-alt',
  };

  it('defaults: report only, the StackSets administration roles of the management account, no trails, this region and the IAM events region', () => {
    const config = loadConfig(env);
    expect(config.whitelistTrustCheck).toBe('report');
    expect(config.whitelistTrustAllowedArns).toEqual([
      'arn:aws-cn:iam::888888888888:role/aws-service-role/stacksets.cloudformation.amazonaws.com/AWSServiceRoleForCloudFormationStackSetsOrgAdmin',
      'arn:aws-cn:iam::888888888888:role/AWSCloudFormationStackSetAdministrationRole',
    ]);
    expect(config.protectedTrails).toEqual([]);
    expect(config.computeAuditRegions).toEqual(['cn-northwest-1', 'cn-north-1']);
    expect(config.localEndpoint).toBeUndefined();
  });

  it('refuses a default trail list that holds an ARN or a malformed name, naming the variable', () => {
    expect(() =>
      loadConfig({ ...env, PROTECTED_TRAILS: 'arn:aws-cn:cloudtrail:cn-north-1:111122223333:trail/x' }),
    ).toThrow(/PROTECTED_TRAILS: must be trail names/);
    expect(() => loadConfig({ ...env, WHITELIST_TRUST_CHECK: 'block' })).toThrow(/WHITELIST_TRUST_CHECK/);
  });
});
