/**
 * The frame every operator command runs in: `--help`, usage errors (exit 2), and failures of the
 * use cases or AWS (exit 1, with the stable error code and the next action from shared/errors.ts).
 */

import type { PolicyFinding } from '#policy/types.ts';
import { codeOf, describeErrorCode, errorText, PolicyInvalidError } from '#shared/errors.ts';
import { type CliIo, ExitCode } from '../command.ts';
import { printJson } from './terminal.ts';
import { UsageError } from './usage-error.ts';

export interface CommandText {
  name: string;
  usage: string;
}

/** node:util parseArgs reports a bad command line with these error codes. */
function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

export interface FailureReport {
  code: string;
  message: string;
  nextAction: string;
  /** For policy errors: each finding with its file, path and rule. */
  findings?: PolicyFinding[];
}

export function failureReport(error: unknown): FailureReport {
  const code = codeOf(error);
  const report: FailureReport = {
    code,
    message: errorText(error),
    nextAction: describeErrorCode(code).nextAction,
  };
  if (error instanceof PolicyInvalidError) report.findings = error.findings;
  return report;
}

export async function guarded(
  io: CliIo,
  command: CommandText,
  argv: string[],
  work: () => Promise<number>,
  failureExit: number = ExitCode.policyError,
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(command.usage);
    return ExitCode.ok;
  }
  try {
    return await work();
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      const message = error instanceof Error ? error.message : String(error);
      io.stderr(`scp-alt ${command.name}: ${message}\n\n${command.usage}`);
      return ExitCode.usageError;
    }
    const report = failureReport(error);
    if (argv.includes('--json')) printJson(io, { ok: false, error: report });
    io.stderr(`scp-alt ${command.name}: ${report.code}: ${report.message}\n  next: ${report.nextAction}\n`);
    return failureExit;
  }
}

/** 12-digit account id from a flag, or a usage error naming the flag. */
export function accountIdOption(value: string | undefined, flag = '--account'): string {
  if (value === undefined) throw new UsageError(`${flag} is required`);
  if (!/^\d{12}$/.test(value)) throw new UsageError(`${flag} '${value}' is not a 12-digit account id`);
  return value;
}

export function commaList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
