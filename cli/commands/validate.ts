/** `scp-alt validate <file>...`: check SCP files before uploading them. */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { PolicyFinding } from '#policy/types.ts';
import { validatePolicyText } from '#policy/validate.ts';
import { type CliCommand, type CliIo, ExitCode } from '../command.ts';
import { errorMessage, formatFindings } from '../format.ts';

const usage = `Usage: scp-alt validate [options] <file>...

Checks SCP policy files: JSON syntax, policy grammar, condition operators, resource ARNs, and
that every action exists in the IAM action catalog.

Options:
  --allow-unknown-actions  report actions missing from the catalog as warnings, not errors
  --json                   print all findings as one JSON array
  -h, --help               show this help

Exit status: 0 no errors, 1 at least one error, 2 usage error.
`;

function readSources(files: string[]): { key: string; body: string }[] {
  return files.map((file) => ({ key: file, body: readFileSync(file, 'utf8') }));
}

async function run(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseOptions>;
  let sources: { key: string; body: string }[];
  try {
    parsed = parseOptions(argv);
    if (parsed.values.help) {
      io.stdout(usage);
      return ExitCode.ok;
    }
    if (parsed.positionals.length === 0) throw new Error('no policy file given');
    sources = readSources(parsed.positionals);
  } catch (error) {
    io.stderr(`scp-alt validate: ${errorMessage(error)}\n\n${usage}`);
    return ExitCode.usageError;
  }
  const options = { allowUnknownActions: parsed.values['allow-unknown-actions'] ?? false };
  const findings: PolicyFinding[] = sources.flatMap((source) => validatePolicyText(source, options));
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  if (parsed.values.json) io.stdout(`${JSON.stringify(findings, null, 2)}\n`);
  else {
    io.stdout(formatFindings(findings));
    io.stdout(
      `${sources.length} file(s) checked: ${errors} error(s), ${findings.length - errors} warning(s)\n`,
    );
  }
  return errors > 0 ? ExitCode.policyError : ExitCode.ok;
}

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      'allow-unknown-actions': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'check SCP policy files (syntax, grammar, known actions)',
  usage,
  run,
};
