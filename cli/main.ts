/** scp-alt command line: `scp-alt <command> [options]`. Dispatches to the command registry. */
import packageJson from '../package.json' with { type: 'json' };
import { type CliCommand, type CliIo, ExitCode } from './command.ts';
import { type CommandEntry, commands as registeredCommands } from './commands/index.ts';
import { didYouMean } from './suggest.ts';

/** A command ready to run, or one loaded on first use so start-up reads only what it runs. */
export type RegisteredCommand = CliCommand | CommandEntry;

const load = (command: RegisteredCommand): Promise<CliCommand> =>
  'run' in command ? Promise.resolve(command) : command.load();

function overview(commands: readonly RegisteredCommand[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `Usage: scp-alt <command> [options]

SCP emulation with IAM permission boundaries.

Commands:
${lines.join('\n')}

Run 'scp-alt <command> --help' for the options of a command, 'scp-alt --version' for the version.
`;
}

/** Every long option a command's usage text documents: the usage is the list of its options. */
export function documentedOptions(usage: string): Set<string> {
  const options = new Set(['--help']);
  for (const match of usage.matchAll(/(?<![\w-])--[a-z][a-z0-9-]*/g)) options.add(match[0]);
  return options;
}

/** The first long option the command does not document, before a `--` terminator. */
function unknownOption(argv: string[], usage: string): string | undefined {
  const known = documentedOptions(usage);
  for (const argument of argv) {
    if (argument === '--') return undefined;
    if (!argument.startsWith('--')) continue;
    const name = argument.split('=')[0] ?? argument;
    if (!known.has(name)) return `unknown option '${name}'${didYouMean(name, known)}`;
  }
  return undefined;
}

function jsonError(io: CliIo, code: string, message: string): void {
  io.stdout(`${JSON.stringify({ ok: false, error: { code, message } }, null, 2)}\n`);
}

/** Counts what a command printed on stdout, so a failed --json run never leaves stdout empty. */
function watched(io: CliIo): CliIo & { printed: () => boolean; firstErrorLine: () => string } {
  let printed = false;
  let errors = '';
  return {
    stdout: (text) => {
      printed ||= text.length > 0;
      io.stdout(text);
    },
    stderr: (text) => {
      errors += text;
      io.stderr(text);
    },
    printed: () => printed,
    firstErrorLine: () => errors.split('\n').find((line) => line.trim() !== '') ?? '',
  };
}

async function dispatch(command: RegisteredCommand, rest: string[], io: CliIo): Promise<number> {
  const json = rest.includes('--json');
  const loaded = await load(command);
  const wrongOption =
    rest.includes('--help') || rest.includes('-h') ? undefined : unknownOption(rest, loaded.usage);
  if (wrongOption) {
    if (json) jsonError(io, 'USAGE_ERROR', wrongOption);
    io.stderr(`scp-alt ${loaded.name}: ${wrongOption}\n\n${loaded.usage}`);
    return ExitCode.usageError;
  }
  const output = watched(io);
  const code = await loaded.run(rest, output);
  if (json && code !== ExitCode.ok && !output.printed())
    jsonError(io, code === ExitCode.usageError ? 'USAGE_ERROR' : 'FAILED', output.firstErrorLine());
  return code;
}

/** Runs one command line; resolves to the exit code. Never calls process.exit (testable). */
export async function runCli(
  argv: string[],
  io: CliIo,
  commands: readonly RegisteredCommand[] = registeredCommands,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout(`scp-alt ${packageJson.version}\n`);
    return ExitCode.ok;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(overview(commands));
    return name === undefined ? ExitCode.usageError : ExitCode.ok;
  }
  const command = commands.find(
    (candidate) => candidate.name === name || (candidate.aliases?.includes(name) ?? false),
  );
  if (!command) {
    const message = `unknown command '${name}'${didYouMean(
      name,
      commands.map((candidate) => candidate.name),
    )}`;
    if (rest.includes('--json')) jsonError(io, 'USAGE_ERROR', message);
    io.stderr(`scp-alt: ${message}\n\n${overview(commands)}`);
    return ExitCode.usageError;
  }
  return dispatch(command, rest, io);
}

/** The process wiring used by bin/scp-alt.js. */
export async function main(): Promise<void> {
  const io: CliIo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  };
  process.exitCode = await runCli(process.argv.slice(2), io);
}
