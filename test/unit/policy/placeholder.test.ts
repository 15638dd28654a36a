/** `<ACCOUNT_ID>` is replaced in the parsed document, whatever JSON spelling the file uses. */
import { describe, expect, it } from 'vitest';
import { compileBoundary } from '#policy/compile.ts';
import { substituteAccountId } from '#policy/placeholder.ts';
import { ACCOUNT_ID, compiled, inputOf, PREFIX } from './compile-helpers.ts';

const ESCAPED = '\\u003cACCOUNT_ID\\u003E';

function withEscapedPlaceholder(): string {
  // JSON text in which the placeholder is spelt with escapes, as some tools write '<' and '>'.
  return `{
  "Version": "2012-10-17",
  "Statement": [
    { "Effect": "Allow", "Action": "*", "Resource": "*" },
    {
      "Effect": "Deny",
      "Action": "s3:DeleteBucket",
      "Resource": "arn:aws-cn:s3:::logs-${ESCAPED}",
      "Condition": { "StringEquals": { "aws:ResourceTag/owner-${ESCAPED}": "${ESCAPED}" } }
    }
  ]
}`;
}

describe('the <ACCOUNT_ID> placeholder', () => {
  it('Given the placeholder spelt with JSON escapes, in values and in a condition key, when compiled, then every one is replaced', () => {
    const input = inputOf({ 'r-ab12': {} });
    input.chain = [
      { target: 'r-ab12', sources: [{ key: `${PREFIX}r-ab12.json`, body: withEscapedPlaceholder() }] },
    ];
    const text = JSON.stringify(compiled(compileBoundary(input)).policy);
    expect(text).toContain(`arn:aws-cn:s3:::logs-${ACCOUNT_ID}`);
    expect(text).toContain(`"aws:ResourceTag/owner-${ACCOUNT_ID}":"${ACCOUNT_ID}"`);
    expect(text).not.toContain('ACCOUNT_ID');
  });

  it('Given policy text with an escaped placeholder, when substituted as text, then the result parses to the replaced document', () => {
    const replaced = JSON.parse(substituteAccountId(withEscapedPlaceholder(), ACCOUNT_ID));
    expect(JSON.stringify(replaced)).not.toContain('ACCOUNT_ID');
    expect(replaced.Statement[1].Resource).toBe(`arn:aws-cn:s3:::logs-${ACCOUNT_ID}`);
  });

  it('Given text without escapes, when substituted, then only the placeholder changes (the text keeps its layout)', () => {
    const body =
      '{\n  "Version": "2012-10-17",\n  "Statement": { "Effect": "Deny", "Action": "*", "Resource": "arn:aws-cn:s3:::<ACCOUNT_ID>" }\n}';
    expect(substituteAccountId(body, ACCOUNT_ID)).toBe(body.replace('<ACCOUNT_ID>', ACCOUNT_ID));
  });

  it('Given text that does not parse, when substituted, then it is replaced literally and left for validation to report', () => {
    expect(substituteAccountId('{ "a": "\\u003c <ACCOUNT_ID>', ACCOUNT_ID)).toBe(
      `{ "a": "\\u003c ${ACCOUNT_ID}`,
    );
  });
});
