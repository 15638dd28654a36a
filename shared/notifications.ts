import { describeErrorCode, type ErrorCode } from './errors.ts';
import type { FailureNotice } from './usecases/ports.ts';

/** SNS refuses subjects over 100 characters, with line breaks or non-ASCII characters. */
export const SNS_SUBJECT_LIMIT = 100;

export interface FormattedNotice {
  subject: string;
  message: string;
}

/** Turns a failure into the e-mail an operator reads: what, where, why, and what to do next. */
export function formatNotice(notice: FailureNotice): FormattedNotice {
  const { summary, nextAction } = describeErrorCode(notice.code);
  const where = notice.accountId ? ` (account ${notice.accountId})` : '';
  const lines = [
    `${summary}${where}`,
    '',
    `Account:     ${notice.accountId ?? '-'}`,
    `File:        ${notice.file ?? '-'}`,
    `Step:        ${notice.step}`,
    `Error code:  ${notice.code}`,
    `Reason:      ${firstLine(notice.reason)}`,
    `Next action: ${nextAction}`,
  ];
  if (notice.details && notice.details.length > 0) {
    lines.push('', 'Details:', ...notice.details.map((detail) => `- ${detail}`));
  }
  return { subject: snsSubject(`scp-alt ${notice.code}: ${summary}${where}`), message: lines.join('\n') };
}

export function snsSubject(text: string): string {
  // SNS subjects must be printable ASCII on one line.
  const ascii = text
    .replace(/[^\x20-\x7e]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return ascii.length <= SNS_SUBJECT_LIMIT ? ascii : `${ascii.slice(0, SNS_SUBJECT_LIMIT - 3)}...`;
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? '';
}

/** Text of the CloudFormation Reason: code, summary, the reason and the next action, bounded. */
export function cloudFormationReason(code: ErrorCode, reason: string, limit = 1000): string {
  const { summary, nextAction } = describeErrorCode(code);
  const text = `${code}: ${summary}: ${firstLine(reason)}. ${nextAction}`;
  return text.length <= limit ? text : `${text.slice(0, limit - 3)}...`;
}
