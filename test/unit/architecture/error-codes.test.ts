import { describe, expect, it } from 'vitest';
import { awsErrorName, isAccessDenied, isAwsError } from '#runtime/aws-errors.ts';
import { AwsStepError, codeOf, ERROR_CODES, type ErrorCode, ScpAltError } from '#shared/errors.ts';
import { cloudFormationReason, formatNotice } from '#shared/notifications.ts';
import type { FailureNotice } from '#usecases/ports.ts';

const sdkError = (name: string) => Object.assign(new Error(name), { name, $metadata: {} });

describe('error codes', () => {
  it('gives every code an SNS subject line and a CloudFormation reason with its next action', () => {
    for (const code of ERROR_CODES) {
      const notice = formatNotice({ code, step: 'test', reason: 'why' });
      expect(notice.subject).toContain(code);
      expect(notice.message).toMatch(/Next action: \S/);
      expect(cloudFormationReason(code, 'why')).toMatch(new RegExp(`^${code}: `));
    }
  });

  it('accepts only codes of the table where a notice or an error is built (checked by the type checker)', () => {
    // @ts-expect-error 'DEADLINE_REACHED' is not an error code
    const notice: FailureNotice = { code: 'DEADLINE_REACHED', step: 'test', reason: 'why' };
    // @ts-expect-error a code is never a free string
    const error = new ScpAltError('SOMETHING_ELSE', 'message');
    const code: ErrorCode = codeOf(error);
    expect([notice.code, code]).toEqual(['DEADLINE_REACHED', 'SOMETHING_ELSE']);
  });

  it('maps SDK errors to ACCESS_DENIED or AWS_CALL_FAILED, and anything else to UNEXPECTED', () => {
    expect(codeOf(sdkError('AccessDeniedException'))).toBe('ACCESS_DENIED');
    expect(codeOf(sdkError('UnauthorizedOperation'))).toBe('ACCESS_DENIED');
    expect(codeOf(sdkError('NoSuchEntity'))).toBe('AWS_CALL_FAILED');
    expect(codeOf(new AwsStepError('write-policy', sdkError('AccessDenied')))).toBe('ACCESS_DENIED');
    expect(codeOf(new Error('plain'))).toBe('UNEXPECTED');
    expect(codeOf('a string')).toBe('UNEXPECTED');
  });
});

describe('AWS error names', () => {
  it('treats the query-protocol and the modelled spelling of one error as the same error', () => {
    expect(isAwsError(sdkError('NoSuchEntity'), 'NoSuchEntity')).toBe(true);
    expect(isAwsError(sdkError('NoSuchEntityException'), 'NoSuchEntity')).toBe(true);
    expect(isAwsError(sdkError('NoSuchEntity'), 'NoSuchEntityException')).toBe(true);
    expect(isAwsError(sdkError('NoSuchEntity'), 'EntityAlreadyExists')).toBe(false);
    expect(isAwsError({}, '')).toBe(false);
  });

  it('reads the name of an XML error that only has a Code', () => {
    expect(awsErrorName({ Code: 'SlowDown' })).toBe('SlowDown');
    expect(isAccessDenied({ Code: 'AccessDenied' })).toBe(true);
  });
});
