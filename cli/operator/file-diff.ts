/**
 * File by file, what a local folder (or a few local files) would change in the bucket, read from
 * both without copying either: which files are new, gone or different, and for a different file
 * which statements. A file is different when its parsed JSON differs (formatting alone is not).
 */
import { canonicalJson, type PolicyDocument, type PolicyStatement } from '#policy/index.ts';
import type { PolicySnapshot } from '#usecases/compile-account.ts';
import { diffStatements, type StatementDiff } from './statement-diff.ts';

export type FileChangeKind = 'added' | 'removed' | 'changed';

export interface FileChange {
  key: string;
  change: FileChangeKind;
  /** For files that parse on both sides (or the one side there is). */
  statements: StatementDiff | null;
}

/** Replace: the folder stands for the whole bucket. Overlay: only the given files change. */
export type LocalScope = 'replace' | 'overlay';

function documentOf(body: string | undefined): PolicyDocument | undefined {
  if (body === undefined) return undefined;
  try {
    const parsed = JSON.parse(body) as { Statement?: unknown };
    const statements = parsed.Statement === undefined ? [] : [parsed.Statement].flat();
    return { Version: '2012-10-17', Statement: statements as PolicyStatement[] };
  } catch {
    return undefined;
  }
}

function sameContent(before: string, after: string): boolean {
  if (before === after) return true;
  try {
    return canonicalJson(JSON.parse(before)) === canonicalJson(JSON.parse(after));
  } catch {
    return false;
  }
}

export async function diffPolicyFiles(
  bucket: PolicySnapshot,
  local: PolicySnapshot,
  scope: LocalScope,
): Promise<FileChange[]> {
  const bucketKeys = (await bucket.objects()).map((object) => object.key);
  const localKeys = (await local.objects()).map((object) => object.key);
  const keys = [...new Set([...localKeys, ...(scope === 'replace' ? bucketKeys : [])])].sort();
  const changes: FileChange[] = [];
  for (const key of keys) {
    const before = bucketKeys.includes(key) ? (await bucket.read(key))?.body : undefined;
    const after = localKeys.includes(key) ? (await local.read(key))?.body : undefined;
    if (before !== undefined && after !== undefined && sameContent(before, after)) continue;
    const change: FileChangeKind =
      before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';
    const afterDocument = documentOf(after) ?? { Version: '2012-10-17', Statement: [] };
    const parsedBoth =
      (before === undefined || documentOf(before)) && (after === undefined || documentOf(after));
    changes.push({
      key,
      change,
      statements: parsedBoth ? diffStatements(documentOf(before), afterDocument) : null,
    });
  }
  return changes;
}

/** The bucket as it would be with the local files put in (overlay) or instead of it (replace). */
export function combinedSnapshot(
  bucket: PolicySnapshot,
  local: PolicySnapshot,
  scope: LocalScope,
): PolicySnapshot {
  if (scope === 'replace') return local;
  return {
    objects: async () => {
      const localObjects = await local.objects();
      const localKeys = new Set(localObjects.map((object) => object.key));
      const kept = (await bucket.objects()).filter((object) => !localKeys.has(object.key));
      return [...kept, ...localObjects].sort((a, b) => a.key.localeCompare(b.key));
    },
    read: async (key) => (await local.read(key)) ?? bucket.read(key),
    listedAtMs: () => bucket.listedAtMs(),
  };
}
