/** What every command line tool is expected to do: --version, "did you mean", NO_COLOR, JSON errors. */
import { describe, expect, it } from 'vitest';
import { commands } from '#cli/commands/index.ts';
import { makeSimulateCommand } from '#cli/commands/simulate.ts';
import { runCli } from '#cli/main.ts';
import packageJson from '../../../package.json' with { type: 'json' };
import { policyFolder } from '../cli-operator/helpers.ts';
import { fakeIo } from './fake-io.ts';

const ESC = String.fromCharCode(27);

describe('scp-alt conventions', () => {
  it('Given --version, when run, then the package version is printed (exit 0)', async () => {
    const io = fakeIo();
    expect(await runCli(['--version'], io)).toBe(0);
    expect(io.out()).toBe(`scp-alt ${packageJson.version}\n`);
  });

  it('Given a mistyped command, when run, then the nearest command is suggested (exit 2)', async () => {
    const io = fakeIo();
    expect(await runCli(['simualte'], io)).toBe(2);
    expect(io.err()).toContain("scp-alt: unknown command 'simualte' (did you mean 'simulate'?)");
  });

  it.each([
    ['plan', '--polices', 'dir', '--policies'],
    ['compile', '--acount', '111122223333', '--account'],
    ['status', '--regoin=cn-north-1', '--json', '--region'],
  ])(
    'Given %s %s, when run, then the nearest option of that command is suggested (exit 2)',
    async (command, wrong, value, right) => {
      const io = fakeIo();
      expect(await runCli([command, wrong, value], io)).toBe(2);
      expect(io.err()).toContain(
        `scp-alt ${command}: unknown option '${wrong.split('=')[0]}' (did you mean '${right}'?)`,
      );
    },
  );

  it('Given --json and an unknown option or command, when run, then stdout holds one JSON usage error', async () => {
    for (const argv of [
      ['plan', '--json', '--polices', 'x'],
      ['plna', '--json'],
    ]) {
      const io = fakeIo();
      expect(await runCli(argv, io)).toBe(2);
      expect(JSON.parse(io.out())).toMatchObject({ ok: false, error: { code: 'USAGE_ERROR' } });
    }
  });

  it('Given --json and a command that reports its usage error only on stderr, then stdout still holds one JSON error', async () => {
    const io = fakeIo();
    expect(await runCli(['compile', '--json', '--account', '111122223333'], io)).toBe(2);
    expect(JSON.parse(io.out())).toEqual({
      ok: false,
      error: { code: 'USAGE_ERROR', message: 'scp-alt compile: --policies is required' },
    });
  });

  it('Given NO_COLOR on a terminal, when simulate answers, then there are no colours', async () => {
    const folder = policyFolder({
      'r-ab12.json': {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: '*', Resource: '*' },
          { Effect: 'Deny', Action: 's3:*', Resource: '*' },
        ],
      },
    });
    const argv = ['simulate', '--policies', folder, '--ou-path', 'r-ab12', '--account', '111122223333'];
    const coloured = fakeIo();
    const plain = fakeIo();
    await runCli([...argv, '--action', 's3:GetObject'], coloured, [
      makeSimulateCommand({ env: {}, stdoutIsTty: true }),
    ]);
    await runCli([...argv, '--action', 's3:GetObject'], plain, [
      makeSimulateCommand({ env: { NO_COLOR: '1' }, stdoutIsTty: true }),
    ]);
    expect(coloured.out()).toContain(`${ESC}[31mDenied`);
    expect(plain.out()).toContain('Denied');
    expect(plain.out()).not.toContain(ESC);
  });

  it('Given the lazy registry, when each command loads, then its name and summary are the ones --help lists', async () => {
    for (const entry of commands) {
      const loaded = await entry.load();
      expect({ name: loaded.name, summary: loaded.summary }).toEqual({
        name: entry.name,
        summary: entry.summary,
      });
    }
  });
});
