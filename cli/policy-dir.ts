/**
 * A local folder laid out like the policy bucket's prefix, read as object keys and bodies, so the
 * CLI compiles exactly what the functions would: 'account-<id>.json', '<ou-id>.json',
 * '<root-id>.json', '<target>/<name>.json'. A folder holding 'permission-boundary-policy/' works too.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
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

/** Throws when the folder does not exist (a usage error for the CLI). */
export function readPolicyDirectory(dir: string): PolicyDirectory {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new Error(`policy folder '${dir}' does not exist`);
  const nested = join(dir, PREFIX_FOLDER);
  const root = existsSync(nested) && statSync(nested).isDirectory() ? nested : dir;
  const keys = listJsonFiles(root).map((relative) => `${POLICY_PREFIX}${relative}`);
  return {
    keys,
    read: (key) => ({ key, body: readFileSync(join(root, key.slice(POLICY_PREFIX.length)), 'utf8') }),
  };
}
