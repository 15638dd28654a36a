/** What every `scp-alt <command>` module provides; main.ts only dispatches. */

/** Where a command writes; tests pass collecting fakes instead of the process streams. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface CliCommand {
  name: string;
  /** Other names accepted on the command line, never shown in help (names a command had before). */
  aliases?: readonly string[];
  /** One line for `scp-alt --help`. */
  summary: string;
  /** Full text for `scp-alt <name> --help`. */
  usage: string;
  /** Resolves to the process exit code (see ExitCode). */
  run(argv: string[], io: CliIo): Promise<number>;
}

export const ExitCode = {
  ok: 0,
  /** A policy is invalid or cannot be compiled. */
  policyError: 1,
  /** The command line is wrong (unknown option, missing argument, unreadable path). */
  usageError: 2,
} as const;
