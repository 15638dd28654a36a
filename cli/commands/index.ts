/**
 * The command registry: a new command is one module under commands/ plus one entry here. Modules
 * load on first use, so `scp-alt validate` never reads the AWS SDK; a unit test holds each
 * summary equal to its module's.
 */
import type { CliCommand } from '../command.ts';
import { processEnvironment } from '../operator/environment.ts';

export interface CommandEntry {
  name: string;
  /** Other names accepted on the command line, never shown in help (names a command had before). */
  aliases?: readonly string[];
  summary: string;
  load(): Promise<CliCommand>;
}

const operator = processEnvironment();

export const commands: readonly CommandEntry[] = [
  {
    name: 'validate',
    summary: 'check SCP policy files (syntax, grammar, known actions, levels that allow nothing)',
    load: async () => (await import('./validate.ts')).validateCommand,
  },
  {
    name: 'compile',
    summary: "compile an account's SCP chain into its permissions boundary",
    load: async () => (await import('./compile.ts')).compileCommand,
  },
  {
    name: 'plan',
    summary: 'show what a policy folder or files would change, file by file and account by account',
    load: async () => (await import('./plan.ts')).makePlanCommand(operator),
  },
  {
    name: 'simulate',
    summary: "decide a request against an account's chain and name the deciding statement",
    load: async () => (await import('./simulate.ts')).makeSimulateCommand(operator),
  },
  {
    name: 'status',
    summary: 'show enrolled accounts: status, OU path, files, policy version',
    load: async () => (await import('./status.ts')).makeStatusCommand(operator),
  },
  {
    name: 'report',
    summary: 'write the estate as one self-contained HTML page (live, or from a status --json capture)',
    load: async () => (await import('./report.ts')).makeReportCommand(operator),
  },
  {
    name: 'enroll',
    aliases: ['register'],
    summary: 'enroll a member or standalone account (compile, attach, forward events)',
    load: async () => (await import('./enroll.ts')).makeEnrollCommand(operator),
  },
  {
    name: 'deregister',
    summary: 'remove the emulation from a member account',
    load: async () => (await import('./deregister.ts')).makeDeregisterCommand(operator),
  },
  {
    name: 'replay',
    summary: 're-drive FAILED accounts (re-enroll or re-sync them)',
    load: async () => (await import('./replay.ts')).makeReplayCommand(operator),
  },
  {
    name: 'export-native',
    summary: 'write (and apply) the policy files as native SCPs',
    load: async () => (await import('./export-native.ts')).makeExportNativeCommand(operator),
  },
];
