/**
 * A local policy folder seen through the same PolicySnapshot interface the functions read the
 * bucket through, so `plan` and `simulate` compile a folder exactly as the bucket would compile.
 */
import { createHash } from 'node:crypto';
import type { PolicySnapshot } from '#usecases/compile-account.ts';
import { readPolicyDirectory } from '../policy-dir.ts';

export function directorySnapshot(dir: string): PolicySnapshot {
  const directory = readPolicyDirectory(dir);
  const readAt = Date.now();
  const read = (key: string) => {
    if (!directory.keys.includes(key)) return undefined;
    const source = directory.read(key);
    // Content hash in place of the S3 ETag: fingerprints then change exactly when content does.
    return { ...source, etag: createHash('md5').update(source.body).digest('hex') };
  };
  return {
    objects: async () => directory.keys.map((key) => ({ key, etag: read(key)?.etag ?? '' })),
    read: async (key) => read(key),
    listedAtMs: async () => readAt,
  };
}
