/**
 * The frame every operator command runs in: `--help`, usage errors (exit 2), and failures of the
 * use cases or AWS (exit 1) with a stable code, what failed and the next action. With --json the
 * failure is also one object on stdout, so scripts always get JSON.
 */

import type { PolicyFinding } from '#policy/types.ts';
import { codeOf, describeErrorCode, errorText, PolicyInvalidError } from '#shared/errors.ts';
import { type CliIo, ExitCode } from '../command.ts';
import { explainFailure, type FailureProbes, isDefect } from './diagnose.ts';
import { OperatorError } from './operator-error.ts';
import { noFacts, type SessionFacts } from './session-facts.ts';
import { printJson } from './terminal.ts';
import { SettingError, UsageError } from './usage-error.ts';

export interface CommandText {
  name: string;
  usage: string;
}

/** node:util parseArgs reports a bad command line with these error codes. */
export function isParseArgsError(error: unknown): boolean {
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

/**
 * The flows' next actions speak of function logs; from the command line the operator has the
 * command's own output instead.
 */
const CLI_NEXT_ACTIONS: Record<string, string> = {
  AWS_CALL_FAILED:
    'Retry; if it persists, run the command again with --verbose and check the AWS service health.',
  UNEXPECTED:
    'This is a defect in scp-alt: report it with the command line and the output of --verbose (which prints the stack).',
};

export function failureReport(error: unknown): FailureReport {
  if (error instanceof OperatorError)
    return { code: error.code, message: error.message, nextAction: error.nextAction };
  const code = codeOf(error);
  const report: FailureReport = {
    code,
    message: errorText(error),
    nextAction: CLI_NEXT_ACTIONS[code] ?? describeErrorCode(code).nextAction,
  };
  if (error instanceof PolicyInvalidError) report.findings = error.findings;
  return report;
}

export function usageFailure(
  io: CliIo,
  command: CommandText,
  message: string,
  json: boolean,
  withUsage = true,
): number {
  if (json) printJson(io, { ok: false, error: { code: 'USAGE_ERROR', message } });
  const after = withUsage ? command.usage : `Run 'scp-alt ${command.name} --help' for the settings.\n`;
  io.stderr(`scp-alt ${command.name}: ${message}\n\n${after}`);
  return ExitCode.usageError;
}

export interface GuardOptions {
  /** Exit code of a failure (simulate has its own). */
  failureExit?: number;
  /** Follow-up questions after a failure; tests replace the AWS ones. */
  probes?: (facts: SessionFacts) => FailureProbes;
}

export async function guarded(
  io: CliIo,
  command: CommandText,
  argv: string[],
  work: (facts: SessionFacts) => Promise<number>,
  options: GuardOptions = {},
): Promise<number> {
  const json = argv.includes('--json');
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(command.usage);
    return ExitCode.ok;
  }
  const facts = noFacts();
  try {
    return await work(facts);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error))
      return usageFailure(
        io,
        command,
        error instanceof Error ? error.message : String(error),
        json,
        !(error instanceof SettingError),
      );
    const probesFor = options.probes ?? (await import('./failure-probes.ts')).awsFailureProbes;
    const explained = await explainFailure(error, facts, probesFor(facts));
    const defect = !explained && isDefect(error);
    const report = defect
      ? { code: 'INTERNAL_ERROR', message: errorText(error), nextAction: CLI_NEXT_ACTIONS.UNEXPECTED ?? '' }
      : failureReport(explained ?? error);
    if (json) printJson(io, { ok: false, error: report });
    io.stderr(`scp-alt ${command.name}: ${report.code}: ${report.message}\n  next: ${report.nextAction}\n`);
    if (defect && argv.includes('--verbose') && error instanceof Error && error.stack)
      io.stderr(`${error.stack}\n`);
    return options.failureExit ?? ExitCode.policyError;
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
