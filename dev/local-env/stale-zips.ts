/**
 * The zips run what `make package` built from the sources at that time: say so when a source file
 * is newer, so nobody debugs an old build (`make local-env` packages first; `npm run` does not).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../scripts/package.ts';
import { ASSETS_DIR } from '../local-lambda/local-lambda.ts';

const SOURCES = ['functions', 'shared', 'serverless.yml', 'templates', 'package-lock.json'];

function newestModification(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newestModification(join(path, entry))));
}

function oldestZip(): number | undefined {
  const zips = (readdirSync(ASSETS_DIR, { withFileTypes: true, recursive: false }) ?? [])
    .filter((entry) => entry.name.endsWith('.zip'))
    .map((entry) => statSync(join(ASSETS_DIR, entry.name)).mtimeMs);
  return zips.length > 0 ? Math.min(...zips) : undefined;
}

/** A warning when the zips are missing or older than the sources they were built from. */
export function staleZipsWarning(): string | undefined {
  const built = statSync(ASSETS_DIR, { throwIfNoEntry: false }) ? oldestZip() : undefined;
  if (built === undefined) return undefined; // unpacking says what is missing
  const newest = Math.max(...SOURCES.map((source) => newestModification(join(PROJECT_ROOT, source))));
  return newest > built
    ? 'assets/*.zip are older than the sources: run `make package` (make local-env does), or pass --from-source'
    : undefined;
}
