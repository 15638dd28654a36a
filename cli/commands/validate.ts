/** `scp-alt validate <file|folder>...`: check SCP files before uploading them. */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { PolicyFinding, PolicySource } from '#policy/types.ts';
import { validatePolicyText } from '#policy/validate.ts';
import { type CliCommand, type CliIo, ExitCode } from '../command.ts';
import { errorMessage, formatFindings } from '../format.ts';
import { levelsAllowingNothing } from '../level-warnings.ts';
import { listJsonFiles } from '../policy-dir.ts';

const usage = `Usage: scp-alt validate [options] <file|folder>...

Checks SCP policy files: JSON syntax, policy grammar, condition operators, resource ARNs, that
every action exists in the IAM action catalog, the native SCP size (10,240 characters), and warns
when a level allows nothing (a deny-only file: native SCPs keep FullAWSAccess beside it, scp-alt
does not). Files named after their target (r-…, ou-…, account-…, <target>/<name>.json) are judged
per target. A folder stands for its .json files (one folder deep). Every file is checked, also
after one that cannot be read.

Options:
  --allow-unknown-actions  report actions missing from the catalog as warnings, not errors
  --json                   print all findings as one JSON array
  -h, --help               show this help

Exit status: 0 no errors, 1 at least one error (unreadable files included), 2 usage error.
`;

function unreadable(file: string, error: unknown): PolicyFinding {
  const code = (error as { code?: unknown } | null)?.code;
  const reason =
    code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : errorMessage(error);
  return {
    severity: 'error',
    code: 'file.unreadable',
    file,
    path: '',
    message: `cannot read the file: ${reason}`,
  };
}

/** Files to check (a folder's .json files in place of the folder) and the unreadable ones. */
function readSources(paths: string[]): { sources: PolicySource[]; failures: PolicyFinding[] } {
  const sources: PolicySource[] = [];
  const failures: PolicyFinding[] = [];
  const files = paths.flatMap((path) => {
    try {
      return statSync(path).isDirectory() ? listJsonFiles(path).map((file) => join(path, file)) : [path];
    } catch {
      return [path];
    }
  });
  for (const file of files) {
    try {
      sources.push({ key: file, body: readFileSync(file, 'utf8') });
    } catch (error) {
      failures.push(unreadable(file, error));
    }
  }
  return { sources, failures };
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

async function run(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
    if (parsed.values.help) {
      io.stdout(usage);
      return ExitCode.ok;
    }
    if (parsed.positionals.length === 0) throw new Error('no policy file given');
  } catch (error) {
    if (argv.includes('--json'))
      io.stdout(
        `${JSON.stringify({ ok: false, error: { code: 'USAGE_ERROR', message: errorMessage(error) } })}\n`,
      );
    io.stderr(`scp-alt validate: ${errorMessage(error)}\n\n${usage}`);
    return ExitCode.usageError;
  }
  const { sources, failures } = readSources(parsed.positionals);
  const options = { allowUnknownActions: parsed.values['allow-unknown-actions'] ?? false };
  const findings: PolicyFinding[] = [
    ...failures,
    ...sources.flatMap((source) => validatePolicyText(source, options)),
    ...levelsAllowingNothing(sources),
  ];
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  if (parsed.values.json) io.stdout(`${JSON.stringify(findings, null, 2)}\n`);
  else {
    io.stdout(formatFindings(findings));
    const checked = sources.length + failures.length;
    io.stdout(`${checked} file(s) checked: ${errors} error(s), ${findings.length - errors} warning(s)\n`);
  }
  return errors > 0 ? ExitCode.policyError : ExitCode.ok;
}

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'check SCP policy files (syntax, grammar, known actions, levels that allow nothing)',
  usage,
  run,
};
