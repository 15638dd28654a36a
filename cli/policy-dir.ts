/**
 * Policy files on the operator's disk, read as the object keys and bodies the bucket would hold,
 * so the CLI compiles exactly what the functions would. Two ways to name them:
 * - a folder laid out like the bucket prefix: 'account-<id>.json', '<ou-id>.json',
 *   '<root-id>.json', '<target>/<name>.json' (a folder holding 'permission-boundary-policy/' works
 *   too);
 * - TARGET=FILE pairs, comma-separated, for files named otherwise (the samples in policies/):
 *   'r-ab12=policies/china-regions-only.json,ou-ab12-11111111=policies/deny-all-billing.json'.
 *   A target given twice holds both files, as '<target>/<file name>.json'.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { targetOfKey } from '#policy/resolve-chain.ts';
import { POLICY_PREFIX, type PolicySource } from '#policy/types.ts';

export interface PolicyDirectory {
  keys: string[];
  read(key: string): PolicySource;
}

const PREFIX_FOLDER = POLICY_PREFIX.replace(/\/$/, '');

/** Relative paths of the .json files up to one folder deep (deeper files are never policies). */
export function listJsonFiles(root: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.json')) files.push(entry.name);
    if (entry.isDirectory()) {
      for (const inner of readdirSync(join(root, entry.name), { withFileTypes: true })) {
        if (inner.isFile() && inner.name.endsWith('.json')) files.push(`${entry.name}/${inner.name}`);
      }
    }
  }
  return files.sort();
}

function readFolder(dir: string): PolicyDirectory {
  const nested = join(dir, PREFIX_FOLDER);
  const root = existsSync(nested) && statSync(nested).isDirectory() ? nested : dir;
  const keys = listJsonFiles(root).map((relative) => `${POLICY_PREFIX}${relative}`);
  return {
    keys,
    read: (key) => ({ key, body: readFileSync(join(root, key.slice(POLICY_PREFIX.length)), 'utf8') }),
  };
}

/** `TARGET=FILE` pairs as keys; throws a message naming the pair that is wrong. */
export function targetFilePairs(spec: string): Map<string, string> {
  const pairs = spec
    .split(',')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '')
    .map((pair) => {
      const split = pair.indexOf('=');
      const target = pair.slice(0, split).replace(/\.json$/, '');
      const file = pair.slice(split + 1);
      if (split <= 0 || file === '') throw new Error(`'${pair}' is not TARGET=FILE`);
      if (!targetOfKey(`${POLICY_PREFIX}${target}.json`))
        throw new Error(
          `'${target}' in '${pair}' is not a target: r-<root>, ou-<root>-<ou>, account-<12 digits>, or <target>/<name>`,
        );
      if (!existsSync(file) || !statSync(file).isFile())
        throw new Error(`policy file '${file}' does not exist`);
      return { target, file };
    });
  const repeated = (target: string) => pairs.filter((pair) => pair.target === target).length > 1;
  const keys = new Map<string, string>();
  for (const { target, file } of pairs) {
    const name = repeated(target) ? `${target}/${basename(file).replace(/\.json$/, '')}` : target;
    const key = `${POLICY_PREFIX}${name}.json`;
    if (keys.has(key)) throw new Error(`two files would be ${key}; name them <target>/<name>=FILE`);
    keys.set(key, file);
  }
  return keys;
}

function readPairs(spec: string): PolicyDirectory {
  const files = targetFilePairs(spec);
  return {
    keys: [...files.keys()].sort(),
    read: (key) => ({ key, body: readFileSync(files.get(key) ?? '', 'utf8') }),
  };
}

/** A folder or TARGET=FILE pairs; throws when it names nothing readable (a usage error for the CLI). */
export function readPolicyDirectory(spec: string): PolicyDirectory {
  if (existsSync(spec) && statSync(spec).isDirectory()) return readFolder(spec);
  if (spec.includes('=')) return readPairs(spec);
  throw new Error(`policy folder '${spec}' does not exist (or give TARGET=FILE pairs)`);
}
