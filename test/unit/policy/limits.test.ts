/**
 * Caps on a policy file: what can never compile is an error finding at validation, before any
 * parsing or per-statement work, instead of a RangeError or minutes of compiling per account.
 */
import { describe, expect, it } from 'vitest';
import { compileBoundary } from '#policy/compile.ts';
import { MAX_NESTING_DEPTH, MAX_POLICY_TEXT_CHARS, MAX_STATEMENTS_PER_FILE } from '#policy/limits.ts';
import { substituteAccountId } from '#policy/placeholder.ts';
import { validatePolicyDocument, validatePolicyText } from '#policy/validate.ts';
import { inputOf, PREFIX } from './compile-helpers.ts';

const FILE = `${PREFIX}r-ab12.json`;
const codes = (findings: { code: string; severity: string }[]) =>
  findings.map((finding) => `${finding.severity} ${finding.code}`);

function denyStatements(count: number) {
  return Array.from({ length: count }, (_, index) => ({
    Effect: 'Deny',
    Action: 's3:PutObject',
    Resource: `arn:aws-cn:s3:::bucket-${index}/*`,
  }));
}

describe('caps on policy files', () => {
  it('Given JSON nested 200,000 deep, when validated or compiled, then a policy.file.too-deep finding comes back instead of a RangeError', () => {
    const body = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(codes(validatePolicyText({ key: FILE, body }))).toEqual(['error policy.file.too-deep']);
    const input = inputOf({ 'r-ab12': {} });
    input.chain = [{ target: 'r-ab12', sources: [{ key: FILE, body }] }];
    const outcome = compileBoundary(input);
    expect(outcome.ok ? [] : codes(outcome.errors)).toEqual(['error policy.file.too-deep']);
    expect(substituteAccountId(body, '111122223333')).toHaveLength(body.length);
  });

  it('Given a parsed value nested past the cap, when validated as a value, then policy.file.too-deep', () => {
    let value: unknown = { Version: '2012-10-17', Statement: [] };
    for (let depth = 0; depth < MAX_NESTING_DEPTH + 5; depth++) value = { Statement: value };
    expect(codes(validatePolicyDocument(value, FILE))).toEqual(['error policy.file.too-deep']);
  });

  it('Given a 5 MB file of about 50,000 statements, when validated, then one policy.file.too-large error, found before parsing', () => {
    const body = JSON.stringify({ Version: '2012-10-17', Statement: denyStatements(50_000) }, null, 2);
    expect(body.length).toBeGreaterThan(5_000_000);
    const findings = validatePolicyText({ key: FILE, body });
    expect(codes(findings)).toEqual(['error policy.file.too-large']);
    expect(findings[0]?.message).toContain(MAX_POLICY_TEXT_CHARS.toLocaleString('en-US'));
    // Checked on the text: the same size of broken JSON gets the same finding, not a parse error.
    expect(codes(validatePolicyText({ key: FILE, body: body.slice(0, -10) }))).toEqual([
      'error policy.file.too-large',
    ]);
  });

  it('Given more statements than the cap in a file small enough, when validated, then one policy.statement.too-many error and no per-statement findings', () => {
    const statements = Array.from({ length: MAX_STATEMENTS_PER_FILE + 1 }, () => ({
      Effect: 'Deny',
      Action: 'x',
    }));
    const body = JSON.stringify({ Version: '2012-10-17', Statement: statements });
    expect(body.length).toBeLessThan(MAX_POLICY_TEXT_CHARS);
    const findings = validatePolicyText({ key: FILE, body });
    expect(findings.map(({ code, path }) => `${code} ${path}`)).toEqual([
      'policy.statement.too-many Statement',
    ]);
  });

  it('Given a file at the statement cap, when validated, then it is accepted', () => {
    const body = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: '*', Resource: '*' },
        ...denyStatements(MAX_STATEMENTS_PER_FILE - 1),
      ],
    });
    expect(codes(validatePolicyText({ key: FILE, body })).filter((code) => code.startsWith('error'))).toEqual(
      [],
    );
  });
});
