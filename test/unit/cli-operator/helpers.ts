import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OperatorEnvironment } from '#cli/operator/environment.ts';

export { fakeIo } from '../cli/fake-io.ts';

/** A policy folder holding `files` (paths relative to it; objects are written as JSON). */
export function policyFolder(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'scp-alt-operator-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

/** No credentials, no endpoint: commands that reach AWS must not be able to. */
export const offlineEnvironment: OperatorEnvironment = { env: {}, stdoutIsTty: false };
