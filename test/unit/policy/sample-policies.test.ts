import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileBoundary } from '#policy/compile.ts';
import { validatePolicyText } from '#policy/validate.ts';
import { ACCOUNT_ID, PREFIX, params } from './compile-helpers.ts';
import { compiledDecision, nativeDecision } from './oracle.ts';

const folder = fileURLToPath(new URL('../../../policies/', import.meta.url));
const samples = readdirSync(folder)
  .filter((name) => name.endsWith('.json'))
  .sort();

function compileAtOu(name: string) {
  const body = readFileSync(`${folder}${name}`, 'utf8');
  return compileBoundary({
    params,
    chain: [{ target: 'ou-ab12-11111111', sources: [{ key: `${PREFIX}ou-ab12-11111111.json`, body }] }],
  });
}

describe('sample policies in policies/', () => {
  it('Given the samples folder, when listed, then it holds the eight documented samples', () => {
    expect(samples).toEqual([
      '010-region-beijing-only.json',
      '020-deny-all-S3-actions.json',
      'china-regions-only.json',
      'deny-account-creator-admin.json',
      'deny-all-billing.json',
      'deny-leave-organization.json',
      'full-aws-access.json',
      'protect-security-tooling.json',
    ]);
  });

  it.each(samples)(
    'Given %s, when validated and compiled at an OU, then it has no finding and fits',
    (name) => {
      expect(validatePolicyText({ key: name, body: readFileSync(`${folder}${name}`, 'utf8') })).toEqual([]);
      const outcome = compileAtOu(name);
      if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
      expect(outcome.warnings).toEqual([]);
      expect(outcome.size).toBeLessThanOrEqual(6144);
    },
  );

  it('Given the Beijing-only demo, when compiled, then EC2 in cn-northwest-1 is denied and in cn-north-1 allowed, as natively', async () => {
    const outcome = compileAtOu('010-region-beijing-only.json');
    if (!outcome.ok) throw new Error('expected success');
    const scp = JSON.parse(readFileSync(`${folder}010-region-beijing-only.json`, 'utf8'));
    for (const region of ['cn-north-1', 'cn-northwest-1']) {
      const request = {
        action: 'ec2:DescribeInstances',
        resource: '*',
        context: { 'aws:RequestedRegion': region },
      };
      expect(await compiledDecision(outcome, request)).toBe(await nativeDecision([[scp]], request));
    }
  });

  it('Given the account-creator-admin sample, when compiled, then the named admin of this account is denied', async () => {
    const outcome = compileAtOu('deny-account-creator-admin.json');
    if (!outcome.ok) throw new Error('expected success');
    const admin = `arn:aws-cn:iam::${ACCOUNT_ID}:user/account-creator-admin`;
    const request = {
      principal: admin,
      action: 's3:ListAllMyBuckets',
      resource: '*',
      context: { 'aws:PrincipalArn': admin },
    };
    expect(await compiledDecision(outcome, request)).toBe('ExplicitlyDenied');
  });
});
