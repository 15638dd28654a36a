import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import packageJson from '../../../package.json' with { type: 'json' };

const root = fileURLToPath(new URL('../../../', import.meta.url));
const spawnCli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['bin/scp-alt.js', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });

describe('bin/scp-alt.js', () => {
  it('Given the installed project, when node runs bin/scp-alt.js --help, then it lists the commands and exits 0', () => {
    const result = spawnCli(['--help']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: scp-alt <command>');
    expect(result.stdout).toContain('compile');
  });

  it('Given the bundle and the sources, when the same commands run from each, then they answer alike', () => {
    for (const args of [['--version'], ['validate', 'policies'], ['report', '--help']]) {
      const bundled = spawnCli(args);
      const fromSource = spawnCli(args, { SCP_ALT_FROM_SOURCE: '1' });
      expect(bundled.stderr).toBe('');
      expect({ out: bundled.stdout, status: bundled.status }).toEqual({
        out: fromSource.stdout,
        status: fromSource.status,
      });
    }
    expect(spawnCli(['--version']).stdout).toBe(`scp-alt ${packageJson.version}\n`);
  });
});
