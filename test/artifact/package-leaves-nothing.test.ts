/**
 * `make package` leaves nothing behind: no folder under the temp directory, no process (and so
 * no port). The run gets a temp directory of its own (TMPDIR, which Node's os.tmpdir() and
 * mktemp honour) and a marker in its environment that every process it starts inherits, so the
 * checks see only this run, whatever else the machine is doing.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../scripts/package.ts';
import { makeScratchDir, removeScratchDir, scratchRoot } from '../../scripts/scratch.ts';

const MARKER = 'SCP_ALT_PACKAGE_PROBE';
let tempDir: string;

beforeAll(async () => {
  tempDir = await makeScratchDir('package-probe-tmp');
});

afterAll(async () => {
  await removeScratchDir(tempDir);
});

/** Runs the make target; `-o` keeps make from reinstalling node_modules under the running tests. */
function makePackage(marker: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('make', ['--no-print-directory', '-o', 'node_modules/.install-stamp', 'package'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, TMPDIR: tempDir, TMP: tempDir, TEMP: tempDir, [MARKER]: marker },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Processes whose environment carries the marker (Linux /proc; other users' processes are unreadable and skipped). */
async function processesMarked(marker: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    if (!environ.split('\0').includes(`${MARKER}=${marker}`)) continue;
    const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    found.push(`${pid} ${command.replaceAll('\0', ' ').trim()}`);
  }
  return found;
}

describe('make package', () => {
  it.skipIf(!existsSync('/proc'))(
    'leaves no folder in the temp directory, no scratch folder and no process behind',
    async () => {
      const marker = randomUUID();
      const scratchBefore = new Set(await readdir(scratchRoot()));

      const { code, output } = await makePackage(marker);

      expect(code, output).toBe(0);
      expect(await readdir(tempDir)).toEqual([]);
      const scratchAfter = (await readdir(scratchRoot())).filter((name) => !scratchBefore.has(name));
      expect(scratchAfter).toEqual([]);
      expect(await processesMarked(marker)).toEqual([]);
    },
  );
});
