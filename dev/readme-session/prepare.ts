/**
 * A folder for one run of the README session: the local environment's files (as
 * `.scratch/local-env/` of `make local-env`) and a working folder holding `policies` as the
 * checkout does, so what the session writes (new-policies/, estate.html) stays out of the checkout.
 */
import { mkdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { makeScratchDir } from '../../scripts/scratch.ts';
import type { LocalEnvironment } from '../local-env/environment.ts';
import { describeEnvironment, environmentFiles, writeEnvironmentFiles } from '../local-env/files.ts';
import type { SessionShell } from './shell.ts';

export interface SessionFolder {
  shell: SessionShell;
  remove(): Promise<void>;
}

export async function prepareSession(env: LocalEnvironment, root: string): Promise<SessionFolder> {
  const dir = await makeScratchDir('readme-session', root);
  const files = environmentFiles(join(dir, 'local-env'));
  await writeEnvironmentFiles(describeEnvironment(env, new Date()), files);
  const cwd = join(dir, 'work');
  await mkdir(cwd);
  await symlink(join(root, 'policies'), join(cwd, 'policies'));
  return {
    shell: { root, cwd, exportsFile: files.exports },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
