/**
 * `npm run -s local-env` as a person runs it: a process that prints the CLI's export lines, leaves
 * its settings file for `scp-alt --local`, serves until SIGINT (Ctrl-C), then stops everything and
 * removes its files; a CLI pointed at it afterwards is told the environment is not running.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'scp-alt-local-env-process-'));
const files = join(folder, 'local-env');
let child: ChildProcess;
let stdout = '';
let stderr = '';

/** Resolves once the export lines are printed (the environment is ready), or rejects if it exits. */
function ready(process: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('export SCP_ALT_LOCAL_ENV=')) resolve();
    });
    process.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    process.once('exit', (code) => reject(new Error(`local-env exited with ${code}:\n${stderr}`)));
  });
}

function scpAlt(env: Record<string, string>, ...argv: string[]) {
  return spawnSync(process.execPath, ['bin/scp-alt.js', ...argv], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: folder, ...env },
  });
}

beforeAll(async () => {
  child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'dev/local-env/main.ts',
      '--from-source',
      '--reconcile-every',
      'off',
      '--files',
      files,
    ],
    { cwd: root, env: { ...process.env, TSX_DISABLE_CACHE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await ready(child);
});

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(folder, { recursive: true, force: true });
});

describe('npm run -s local-env', () => {
  it('Given the environment ready, then stdout holds only export lines naming the endpoint, region, operator credentials and stage', () => {
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('unset AWS_PROFILE AWS_DEFAULT_PROFILE');
    for (const line of lines.slice(1)) expect(line).toMatch(/^export [A-Z_]+='[^']*'$/);
    const names = lines.slice(1).map((line) => line.slice('export '.length, line.indexOf('=')));
    expect(names).toEqual(
      expect.arrayContaining([
        'AWS_ENDPOINT_URL',
        'AWS_REGION',
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'AWS_SESSION_TOKEN',
        'MANAGEMENT_ACCOUNT_ID',
        'SCP_ALT_STAGE',
        'SCP_ALT_LOCAL_ENV',
      ]),
    );
    expect(stderr).toContain('scp-alt local environment ready');
    expect(stderr).toContain('Workloads/Prod  ou-yf9s-f07uqnup  app-prod 556464170805');
  });

  it('Given SCP_ALT_LOCAL_ENV naming its settings file, when scp-alt status runs with nothing else set, then it reaches the environment (exit 0)', () => {
    const result = scpAlt({ SCP_ALT_LOCAL_ENV: join(files, 'env.json') }, 'status');
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('no enrolled accounts\n');
    expect(result.status).toBe(0);
  });

  it('Given the AWS CLI profiles it wrote, then each seeded account has one assuming its organization access role', () => {
    const config = readFileSync(join(files, 'aws-config'), 'utf8');
    expect(config).toContain('[profile app-dev]');
    expect(config).toContain('role_arn = arn:aws-cn:iam::699577738721:role/OrganizationAccountAccessRole');
  });

  it('Given SIGINT (Ctrl-C), then it stops, exits 0 and removes its files; the CLI then says the environment is not running (exit 2)', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(existsSync(files)).toBe(false);
    const result = scpAlt({ SCP_ALT_LOCAL_ENV: join(files, 'env.json') }, 'status');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('which does not exist: the local environment is not running');
  });
});
