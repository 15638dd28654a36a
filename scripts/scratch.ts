/**
 * Scratch folders of the project's own: `.scratch/` at the project root, ignored by git and biome.
 * Builds and test runs put their temporary files there, never under the system temp directory,
 * and remove their folder when they finish.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, rmdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEFAULT_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

export function scratchRoot(projectRoot: string = DEFAULT_ROOT): string {
  return join(projectRoot, '.scratch');
}

/** A new folder `.scratch/<purpose>-<pid>-<random>`, unique to this run. */
export async function makeScratchDir(purpose: string, projectRoot: string = DEFAULT_ROOT): Promise<string> {
  const dir = join(scratchRoot(projectRoot), `${purpose}-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Removes the folder, and `.scratch/` itself once no other run uses it. */
export async function removeScratchDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await rmdir(dirname(dir)).catch(() => undefined);
}
