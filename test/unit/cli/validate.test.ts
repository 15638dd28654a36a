import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '#cli/main.ts';
import { fakeIo } from './fake-io.ts';

const dir = mkdtempSync(join(tmpdir(), 'scp-alt-validate-'));
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const good = file('good.json', {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' }],
});
const unknownAction = file('typo.json', {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Deny', Action: ['s3:DeleteBukket'], Resource: '*' }],
});
const broken = file('broken.json', '{ "Version": ');

describe('scp-alt validate', () => {
  it('Given a valid file, when validated, then exit 0 and a summary', async () => {
    const io = fakeIo();
    expect(await runCli(['validate', good], io)).toBe(0);
    expect(io.out()).toContain('1 file(s) checked: 0 error(s), 0 warning(s)');
  });

  it('Given a file with an unknown action, when validated, then exit 1 and the finding names file, path and code', async () => {
    const io = fakeIo();
    expect(await runCli(['validate', good, unknownAction], io)).toBe(1);
    expect(io.out()).toContain(
      `error policy.statement.action.unknown at ${unknownAction} Statement[0].Action[0]`,
    );
  });

  it('Given --allow-unknown-actions, when validated, then the unknown action is a warning and exit 0', async () => {
    const io = fakeIo();
    expect(await runCli(['validate', '--allow-unknown-actions', unknownAction], io)).toBe(0);
    expect(io.out()).toContain('warning policy.statement.action.unknown');
  });

  it('Given --json, when validated, then stdout is one JSON array of findings', async () => {
    const io = fakeIo();
    expect(await runCli(['validate', '--json', good, broken], io)).toBe(1);
    const findings = JSON.parse(io.out());
    expect(findings).toEqual([
      expect.objectContaining({ file: broken, path: '', code: 'policy.json.malformed', severity: 'error' }),
    ]);
  });

  it('Given no file, an unknown option or a missing file, when run, then exit 2 with the usage on stderr', async () => {
    for (const argv of [['validate'], ['validate', '--strict', good], ['validate', join(dir, 'nope.json')]]) {
      const io = fakeIo();
      expect(await runCli(argv, io)).toBe(2);
      expect(io.err()).toContain('Usage: scp-alt validate');
    }
  });

  it('Given --help, when run, then the usage is printed and exit 0', async () => {
    const io = fakeIo();
    expect(await runCli(['validate', '--help'], io)).toBe(0);
    expect(io.out()).toContain('--allow-unknown-actions');
  });
});
