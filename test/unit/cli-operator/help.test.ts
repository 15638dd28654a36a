/** Every operator command is listed, explains itself, and refuses a wrong command line with exit 2. */
import { describe, expect, it } from 'vitest';
import { makeDeregisterCommand } from '#cli/commands/deregister.ts';
import { makeEnrollCommand } from '#cli/commands/enroll.ts';
import { makeExportNativeCommand } from '#cli/commands/export-native.ts';
import { makePlanCommand } from '#cli/commands/plan.ts';
import { makeReplayCommand } from '#cli/commands/replay.ts';
import { makeReportCommand } from '#cli/commands/report.ts';
import { makeSimulateCommand } from '#cli/commands/simulate.ts';
import { makeStatusCommand } from '#cli/commands/status.ts';
import { runCli } from '#cli/main.ts';
import { fakeIo, offlineEnvironment } from './helpers.ts';

const OPERATOR_COMMANDS = [
  'plan',
  'simulate',
  'status',
  'report',
  'enroll',
  'deregister',
  'replay',
  'export-native',
];
const offline = [
  makePlanCommand,
  makeSimulateCommand,
  makeStatusCommand,
  makeEnrollCommand,
  makeDeregisterCommand,
  makeReplayCommand,
  makeExportNativeCommand,
  makeReportCommand,
].map((make) => make(offlineEnvironment));

describe('operator commands on the command line', () => {
  it('Given the registry, when --help runs, then all ten commands are listed', async () => {
    const io = fakeIo();
    expect(await runCli(['--help'], io)).toBe(0);
    for (const name of ['validate', 'compile', ...OPERATOR_COMMANDS])
      expect(io.out()).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it.each(OPERATOR_COMMANDS)(
    'Given %s --help, then its usage, AWS options and exit codes are printed (exit 0)',
    async (name) => {
      const io = fakeIo();
      expect(await runCli([name, '--help'], io)).toBe(0);
      expect(io.out()).toMatch(new RegExp(`^Usage: scp-alt ${name}`));
      expect(io.out()).toContain('--endpoint-url URL');
      expect(io.out()).toContain('Exit status:');
    },
  );

  it.each([
    ['status', '--bogus'],
    ['enroll', '--account', '123'],
    ['enroll', '--account', '111122223333'],
    ['deregister'],
    ['replay', '--account', 'abc'],
    ['plan', '--accounts', '1,2'],
    ['simulate', '--account', '111122223333'],
    ['simulate', '--account', '111122223333', '--action', 's3:GetObject', '--context', 'novalue'],
    ['export-native'],
    ['export-native', '--policies', '.', '--retire'],
    ['export-native', '--policies', '.', '--max-size', '0'],
    ['report', '--from', 'no-such-capture.json'],
    ['status', '--estate'],
  ])('Given %s with a wrong command line, when run, then it exits 2 before any AWS call', async (...argv) => {
    const io = fakeIo();
    expect(await runCli(argv, io, offline)).toBe(2);
    expect(io.err()).toContain(`scp-alt ${argv[0]}: `);
    expect(io.err()).toContain('Usage:');
  });

  it('accepts register as a hidden name of enroll: it runs enroll and is not listed in help', async () => {
    const help = fakeIo();
    await runCli(['--help'], help);
    expect(help.out()).not.toMatch(/^ {2}register /m);
    const io = fakeIo();
    expect(await runCli(['register', '--account', '123'], io, offline)).toBe(2);
    expect(io.err()).toContain('scp-alt enroll: ');
    expect(io.err()).toContain('Usage: scp-alt enroll');
  });

  it('Given a command needing AWS and no region, when run, then the missing setting is named (exit 2)', async () => {
    const io = fakeIo();
    expect(await runCli(['status'], io, offline)).toBe(2);
    expect(io.err()).toContain('no region: pass --region, set AWS_REGION');
  });
});
