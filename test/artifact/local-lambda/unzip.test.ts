/** Unpacking function zips: what the zip holds lands in the task root, and nothing else does. */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { extractZip, readZipEntries } from '#dev/local-lambda/unzip.ts';
import { makeScratchDir, removeScratchDir } from '#scripts/scratch.ts';
import type {} from '../support/vitest-context.ts';
import { storedZip } from '../support/zip-writer.ts';

let dir: string;

beforeAll(async () => {
  dir = await makeScratchDir('unzip-test');
});

afterAll(async () => {
  await removeScratchDir(dir);
});

describe('unzip', () => {
  it('extracts nested files byte for byte', async () => {
    const zip = join(dir, 'nested.zip');
    await writeFile(
      zip,
      storedZip({ 'functions/a.mjs': 'export const a = 1;', 'data/b.bin': Buffer.from([0, 255, 7]) }),
    );

    const paths = await extractZip(zip, join(dir, 'nested'));

    expect(paths).toEqual(['functions/a.mjs', 'data/b.bin']);
    expect(await readFile(join(dir, 'nested/functions/a.mjs'), 'utf8')).toBe('export const a = 1;');
    expect([...(await readFile(join(dir, 'nested/data/b.bin')))]).toEqual([0, 255, 7]);
  });

  it('refuses an entry that would land outside the task root', async () => {
    const zip = join(dir, 'escape.zip');
    await writeFile(zip, storedZip({ '../outside.mjs': 'export {}' }));

    await expect(extractZip(zip, join(dir, 'escape'))).rejects.toThrow(/leaves the folder/);
    expect(existsSync(join(dir, 'outside.mjs'))).toBe(false);
  });

  it('refuses damaged contents and files that are not zips', () => {
    const damaged = storedZip({ 'functions/a.mjs': 'export const a = 1;' });
    const firstDataByte = 30 + 'functions/a.mjs'.length;
    damaged.writeUInt8(damaged.readUInt8(firstDataByte) ^ 0xff, firstDataByte);

    expect(() => readZipEntries(damaged)).toThrow(/do not match the CRC/);
    expect(() => readZipEntries(Buffer.from('not a zip at all, just text'))).toThrow(/not a zip file/);
  });

  it('finds in every packaged zip its handler file and no node_modules (the SDK is bundled)', () => {
    const { functions } = inject('artifacts');
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      const moduleFile = `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.mjs`;
      expect(existsSync(join(fn.taskRoot, moduleFile)), `${fn.zipName} holds ${moduleFile}`).toBe(true);
      expect(existsSync(join(fn.taskRoot, 'node_modules')), `${fn.zipName} has node_modules`).toBe(false);
    }
  });
});
