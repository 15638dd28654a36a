/** `scp-alt replay`: re-drive the accounts the functions left FAILED. */
import { parseArgs } from 'node:util';
import { type ReplayResult, replayFailedAccounts } from '#usecases/replay.ts';
import { type CliCommand, type CliIo, ExitCode } from '../command.ts';
import { AWS_OPTIONS, AWS_OPTIONS_HELP } from '../operator/aws-options.ts';
import type { OperatorEnvironment } from '../operator/environment.ts';
import { accountIdOption, commaList, guarded } from '../operator/guarded.ts';
import { openSession } from '../operator/session.ts';
import { formatTable, printJson, type Terminal, terminalOf } from '../operator/terminal.ts';

const usage = `Usage: scp-alt replay [--account ID[,ID...]] [options]

Re-drives FAILED accounts: an account whose enrollment never finished is enrolled again (same OU,
same trail choice); any other is recompiled from the current bucket contents and its boundary
rewritten and re-attached. With --account, exactly those accounts are replayed, whatever their
status. Failures are recorded and notified as the functions do.

Options:
  --account IDS  comma list of account ids (default: every FAILED account)
  --json         print { results: [{ accountId, action, outcome, code?, reason? }] }
  -h, --help     show this help

${AWS_OPTIONS_HELP}

Exit status: 0 every replayed account recovered (or nothing to replay), 1 an account failed again
or is not enrolled, 2 usage error.
`;

const OPTIONS = { ...AWS_OPTIONS, account: { type: 'string' }, json: { type: 'boolean' } } as const;

function resultTable(results: ReplayResult[], terminal: Terminal): string {
  const colour = (outcome: string) =>
    outcome === 'failed' ? 'red' : outcome === 'skipped' ? 'yellow' : 'green';
  return formatTable([
    ['ACCOUNT', 'ACTION', 'OUTCOME', 'REASON'],
    ...results.map((result) => [
      result.accountId,
      result.action,
      terminal.paint(colour(result.outcome), result.outcome),
      [result.code, result.reason].filter(Boolean).join(': '),
    ]),
  ]);
}

export function makeReplayCommand(environment: OperatorEnvironment): CliCommand {
  const run = (argv: string[], io: CliIo) =>
    guarded(io, { name: 'replay', usage }, argv, async (facts) => {
      const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true });
      const asked = commaList(values.account).map((id) => accountIdOption(id));
      const { ctx } = await openSession(values, environment.env, {
        command: 'replay',
        io,
        managementAccount: true,
        facts,
      });
      const terminal = terminalOf(io, environment);
      terminal.progress('replaying…');
      // The same use case the reconciler runs; one call per account asked for.
      const runs = asked.length === 0 ? [{}] : asked.map((accountId) => ({ accountId }));
      const all: ReplayResult[] = [];
      for (const request of runs) all.push(...(await replayFailedAccounts(ctx, request)));
      terminal.progressDone();
      if (values.json) printJson(io, { results: all });
      else if (all.length === 0) io.stdout('no FAILED accounts: nothing to replay\n');
      else io.stdout(resultTable(all, terminal));
      const failed = all.some((result) => result.outcome === 'failed' || result.outcome === 'skipped');
      return failed ? ExitCode.policyError : ExitCode.ok;
    });
  return { name: 'replay', summary: 're-drive FAILED accounts (re-enroll or re-sync them)', usage, run };
}
