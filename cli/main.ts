/** scp-alt command line: `scp-alt <command> [options]`. Dispatches to the command registry. */
import { type CliCommand, type CliIo, ExitCode } from './command.ts';
import { commands as registeredCommands } from './commands/index.ts';

function overview(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `Usage: scp-alt <command> [options]

SCP emulation with IAM permission boundaries.

Commands:
${lines.join('\n')}

Run 'scp-alt <command> --help' for the options of a command.
`;
}

/** Runs one command line; resolves to the exit code. Never calls process.exit (testable). */
export async function runCli(
  argv: string[],
  io: CliIo,
  commands: readonly CliCommand[] = registeredCommands,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(overview(commands));
    return name === undefined ? ExitCode.usageError : ExitCode.ok;
  }
  const command = commands.find(
    (candidate) => candidate.name === name || (candidate.aliases?.includes(name) ?? false),
  );
  if (!command) {
    io.stderr(`scp-alt: unknown command '${name}'\n\n${overview(commands)}`);
    return ExitCode.usageError;
  }
  return command.run(rest, io);
}

/** The process wiring used by bin/scp-alt.js. */
export async function main(): Promise<void> {
  const io: CliIo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  };
  process.exitCode = await runCli(process.argv.slice(2), io);
}
