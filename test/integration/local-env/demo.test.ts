/**
 * `make demo` as a person runs it (functions from source here, so no packaging is needed): every
 * expectation met, refusals shown as the expected refusals they are, a denied request explained by
 * scp-alt simulate, and the next step at the end.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
let output = '';
let exitCode: number | null = null;

beforeAll(async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--from-source'], {
    cwd: root,
    env: { ...process.env, TSX_DISABLE_CACHE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  exitCode = await new Promise((resolve) => child.once('close', resolve));
});

describe('make demo', () => {
  it('Given a run, then every expectation is met and it exits 0', () => {
    expect(output).toMatch(/\n21\/21 expectations met in [\d.]+ s\n/);
    expect(output).not.toMatch(/^ {2}FAIL /m);
    expect(exitCode).toBe(0);
  });

  it('Given the reserved accounts, then their refusals read as expected ones, not as failures', () => {
    expect(output).toContain('security account 534874016400: refused, as it must be');
    expect(output).toContain('management account 123456789012: refused, as it must be');
    expect(output).toContain('Refused, as expected:');
    expect(output).not.toMatch(/: FAILED$/m);
  });

  it('Given the steps, then OUs are named, no step prints raw JSON, and a denied request is shown with its deciding file', () => {
    expect(output).toContain('(OU Workloads)');
    expect(output).toContain('OU path:    Root / Workloads / Prod');
    expect(output).not.toMatch(/^ {2}[^\n]*\{"/m);
    expect(output).toContain('$ scp-alt simulate --account 699577738721 --action s3:GetObject');
    expect(output).toContain('Denied (ExplicitDeny, by scp-file)');
  });

  it('Given the end of the run, then it names the next step', () => {
    expect(output.trimEnd()).toMatch(
      /Next: `make demo KEEP=1` keeps this environment running[\s\S]*`make local-env`[\s\S]*\)\.$/,
    );
  });
});
