import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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
  Statement: [
    { Effect: 'Allow', Action: '*', Resource: '*' },
    { Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' },
  ],
});
const denyOnly = file('deny-only.json', {
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

  it('Given a missing file among others, when validated, then every file is checked and the missing one is an error naming it (exit 1)', async () => {
    const io = fakeIo();
    const missing = join(dir, 'nope.json');
    expect(await runCli(['validate', missing, good, unknownAction], io)).toBe(1);
    expect(io.out()).toContain(`error file.unreadable at ${missing}: cannot read the file: no such file`);
    expect(io.out()).toContain(`error policy.statement.action.unknown at ${unknownAction}`);
    expect(io.out()).toContain('3 file(s) checked: 2 error(s), 1 warning(s)');
  });

  it('Given a deny-only file, when validated, then a warning says its level allows nothing (exit 0)', async () => {
    const io = fakeIo();
    expect(await runCli(['validate', denyOnly], io)).toBe(0);
    expect(io.out()).toContain(`warning compile.level.allows-nothing at ${denyOnly}:`);
    expect(io.out()).toContain('Native SCPs keep FullAWSAccess attached beside a deny-only policy');
  });

  it('Given a deny-only file and another file of the same target that allows, when validated, then the level is not flagged', async () => {
    const level = mkdtempSync(join(tmpdir(), 'scp-alt-level-'));
    const write = (name: string, statements: unknown[]) => {
      const path = join(level, name);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, JSON.stringify({ Version: '2012-10-17', Statement: statements }));
    };
    write('ou-ab12-11111111/deny.json', [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }]);
    write('ou-ab12-11111111/allow.json', [{ Effect: 'Allow', Action: '*', Resource: '*' }]);
    write('ou-ab12-22222222.json', [{ Effect: 'Deny', Action: 'ec2:*', Resource: '*' }]);
    const io = fakeIo();
    expect(await runCli(['validate', '--json', level], io)).toBe(0);
    const flagged = (JSON.parse(io.out()) as { code: string; file: string }[]).filter(
      (finding) => finding.code === 'compile.level.allows-nothing',
    );
    expect(flagged.map((finding) => finding.file)).toEqual([join(level, 'ou-ab12-22222222.json')]);
  });

  it('Given --json and a usage error, when run, then stdout holds one JSON error object', async () => {
    const io = fakeIo();
    expect(await runCli(['validate', '--json'], io)).toBe(2);
    expect(JSON.parse(io.out())).toEqual({
      ok: false,
      error: { code: 'USAGE_ERROR', message: 'no policy file given' },
    });
  });

  it('Given no file or an unknown option, when run, then exit 2 with the usage on stderr', async () => {
    for (const argv of [['validate'], ['validate', '--strict', good]]) {
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
