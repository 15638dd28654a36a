/** `scp-alt report`: the estate as one self-contained HTML page, live or from a status --json capture. */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type CliCommand, type CliIo, ExitCode } from '../command.ts';
import { AWS_OPTIONS, AWS_OPTIONS_HELP } from '../operator/aws-options.ts';
import type { OperatorEnvironment } from '../operator/environment.ts';
import { type EstateCapture, estateCapture } from '../operator/estate-types.ts';
import { guarded } from '../operator/guarded.ts';
import { printJson } from '../operator/terminal.ts';
import { UsageError } from '../operator/usage-error.ts';
import { renderEstateReport } from '../report/render-report.ts';

const usage = `Usage: scp-alt report [--from CAPTURE] [--out FILE] [options]

Writes the estate as one self-contained HTML page (no script, no external file): the organization
tree (roots, OUs with names, accounts, the policy files at each level), per account its status,
boundary version and age and the files that apply at each level, the principals left without a
boundary and why, and the recent failures. Read-only.

Options:
  --from CAPTURE  render a capture of \`scp-alt status --json --estate\` (or plain --json: then
                  without OU names and principals) instead of reading AWS; no AWS setting needed
  --out FILE      where to write the page (default scp-alt-report.html)
  --json          print { ok, file, accounts, failed }
  -h, --help      show this help

${AWS_OPTIONS_HELP}

Live, the report reads what \`status --json --estate\` reads: the account table and the bucket
listing (operator credentials), the organization tree (management role; the management-role stack
grants the reads to OperatorPrincipalArns) and each enrolled account's users and roles (its
organization access role).

Exit status: 0 written, 1 AWS failure, 2 usage error (unreadable or invalid capture included).
`;

const OPTIONS = {
  ...AWS_OPTIONS,
  from: { type: 'string' },
  out: { type: 'string', default: 'scp-alt-report.html' },
  json: { type: 'boolean' },
} as const;

function readCapture(file: string): EstateCapture {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read --from '${file}': ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`--from '${file}' is not JSON (expected the output of scp-alt status --json)`);
  }
  const parsed = estateCapture.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `--from '${file}' is not a status --json capture: ${issue?.path.join('.') || '(top)'}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

export function makeReportCommand(environment: OperatorEnvironment): CliCommand {
  const run = (argv: string[], io: CliIo) =>
    guarded(io, { name: 'report', usage }, argv, async (facts) => {
      const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true });
      let capture: EstateCapture;
      if (values.from !== undefined) capture = readCapture(values.from);
      else {
        // Loaded here, so an offline report never reads the AWS SDK.
        const { openSession } = await import('../operator/session.ts');
        const { collectEstate } = await import('../operator/estate.ts');
        const session = await openSession(values, environment.env, {
          command: 'report',
          io,
          managementAccount: true,
          facts,
        });
        const records = (await session.ctx.ports.accounts.listAll()).sort((a, b) =>
          a.accountId.localeCompare(b.accountId),
        );
        capture = await collectEstate(session, records, { deep: true, now: new Date() });
      }
      // Ages are as of the capture: a report of last week's capture shows last week's ages.
      writeFileSync(
        values.out,
        renderEstateReport(capture, capture.generatedAt ? new Date(capture.generatedAt) : new Date()),
      );
      const failed = capture.accounts.filter((account) => account.status === 'FAILED').length;
      if (values.json)
        printJson(io, { ok: true, file: values.out, accounts: capture.accounts.length, failed });
      else io.stdout(`wrote ${values.out}: ${capture.accounts.length} account(s), ${failed} FAILED\n`);
      return ExitCode.ok;
    });
  return {
    name: 'report',
    summary: 'write the estate as one self-contained HTML page (live, or from a status --json capture)',
    usage,
    run,
  };
}
