import { describe, expect, it } from 'vitest';
import { staticActionCatalog } from '#policy/action-catalog.ts';
import { validatePolicyText } from '#policy/validate.ts';
import cases from './fixtures/validation-cases.json' with { type: 'json' };

interface ValidationCase {
  name: string;
  policy?: unknown;
  text?: string;
  allowUnknownActions?: boolean;
  expect: { severity: string; code: string; path: string }[];
}

const FILE = 'permission-boundary-policy/ou-ab12-11111111.json';

describe('validatePolicyText (fixture table)', () => {
  it.each(cases as ValidationCase[])('$name', (testCase) => {
    const body = testCase.text ?? JSON.stringify(testCase.policy, null, 2);
    const findings = validatePolicyText(
      { key: FILE, body },
      { allowUnknownActions: testCase.allowUnknownActions ?? false },
    );
    expect(findings.map(({ severity, code, path }) => ({ severity, code, path }))).toEqual(testCase.expect);
    for (const finding of findings) expect(finding.file).toBe(FILE);
  });
});

describe('validatePolicyText details', () => {
  it('Given broken JSON, when validated, then the message names the file, line and column', () => {
    const [finding] = validatePolicyText({
      key: 'policies/broken.json',
      body: '{\n  "Version": "2012-10-17",\n  "Statement": [ }',
    });
    expect(finding?.message).toContain('policies/broken.json');
    expect(finding?.message).toMatch(/line 3, column \d+/);
  });

  it('Given a fake catalog, when an action is missing from it, then the fake decides (the catalog is swappable)', () => {
    const catalog = staticActionCatalog(['s3:GetObject']);
    const body = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Action: ['s3:GetObject', 's3:PutObject'], Resource: '*' }],
    });
    const findings = validatePolicyText({ key: 'f.json', body }, { catalog });
    expect(findings.map((finding) => `${finding.code} ${finding.path}`)).toEqual([
      'policy.statement.action.unknown Statement[0].Action[1]',
    ]);
  });

  it('Given a policy of about 6,000 characters (over the former native limit of 5,120), when validated, then no native-limit warning is given', () => {
    const actions = Array.from({ length: 400 }, (_, index) => `s3:GetObject${index % 2 ? 'Acl' : ''}`);
    const body = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Action: actions, Resource: '*' }],
    });
    expect(body.length).toBeGreaterThan(5120);
    expect(validatePolicyText({ key: 'medium.json', body })).toEqual([]);
  });

  it('Given a policy over the native SCP limit of 10,240, when validated, then a warning says it cannot move to native SCPs', () => {
    const actions = Array.from({ length: 800 }, (_, index) => `s3:GetObject${index % 2 ? 'Acl' : ''}`);
    const body = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Action: actions, Resource: '*' }],
    });
    const findings = validatePolicyText({ key: 'big.json', body });
    expect(findings.map((finding) => `${finding.severity} ${finding.code}`)).toEqual([
      'warning policy.size.native-limit',
    ]);
  });
});
