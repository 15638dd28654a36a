import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('bin/scp-alt.js', () => {
  it('Given the installed project, when node runs bin/scp-alt.js --help, then it lists the commands and exits 0', () => {
    const result = spawnSync(process.execPath, ['bin/scp-alt.js', '--help'], { cwd: root, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: scp-alt <command>');
    expect(result.stdout).toContain('compile');
  });
});
