import {
  AttachmentQuotaError,
  codeOf,
  describeFinding,
  errorText,
  PolicyInvalidError,
} from '#shared/errors.ts';
import type { FlowContext } from './flow-context.ts';
import type { FailureNotice } from './ports.ts';

export interface FailureWhere {
  step: string;
  accountId?: string;
  file?: string;
}

export function noticeFor(error: unknown, where: FailureWhere): FailureNotice {
  const notice: FailureNotice = { code: codeOf(error), reason: errorText(error), ...where };
  if (error instanceof PolicyInvalidError) {
    notice.details = error.findings.map(describeFinding);
    notice.file ??= error.findings.find((finding) => finding.file)?.file;
  }
  if (error instanceof AttachmentQuotaError) notice.details = error.details;
  return notice;
}

/**
 * Sends the notice; never throws. A failed publish is logged, so the original error (the thing the
 * operator needs) is not replaced by an SNS error.
 */
export async function sendNotice(ctx: FlowContext, notice: FailureNotice): Promise<void> {
  try {
    await ctx.ports.notifier.notify(notice);
  } catch (error) {
    ctx.log.error('could not publish failure notice', { notice, error: errorText(error) });
  }
}

export function reportFailure(ctx: FlowContext, error: unknown, where: FailureWhere): Promise<void> {
  const notice = noticeFor(error, where);
  ctx.log.error(`${where.step} failed`, { ...where, code: notice.code, reason: notice.reason });
  return sendNotice(ctx, notice);
}
