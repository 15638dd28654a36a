/**
 * `--local`, or SCP_ALT_LOCAL_ENV naming a file: the settings of a running `make local-env` (its
 * `.scratch/local-env/env.json`): endpoint, region, the operator role's credentials, management
 * account and stage. They replace those variables of the environment, and a profile set there
 * (the local credentials are the point); flags still win, as they win over any variable.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { Env } from './aws-options.ts';
import { SettingError } from './usage-error.ts';

export const LOCAL_ENV_VARIABLE = 'SCP_ALT_LOCAL_ENV';
/** Where `make local-env` writes its settings, relative to the checkout. */
export const LOCAL_ENV_FILE = join('.scratch', 'local-env', 'env.json');

const settingsSchema = z.object({
  pid: z.number().int().positive(),
  variables: z.record(z.string(), z.string()),
});

/** `.scratch/local-env/env.json` in `cwd` or the nearest folder above it. */
function nearestSettingsFile(cwd: string): string | undefined {
  for (let folder = resolve(cwd); ; folder = dirname(folder)) {
    const candidate = join(folder, LOCAL_ENV_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(folder) === folder) return undefined;
  }
}

function processIsRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const START_IT = 'start it with `make local-env` in the checkout';

/** The settings file to use, or undefined when neither --local nor SCP_ALT_LOCAL_ENV asks for one. */
function settingsFile(local: boolean, env: Env, cwd: string): { file: string; source: string } | undefined {
  const named = env[LOCAL_ENV_VARIABLE];
  if (named) {
    const file = resolve(cwd, named);
    if (!existsSync(file))
      throw new SettingError(
        `${LOCAL_ENV_VARIABLE} names ${file}, which does not exist: the local environment is not running; ${START_IT}`,
      );
    return { file, source: LOCAL_ENV_VARIABLE };
  }
  if (!local) return undefined;
  const file = nearestSettingsFile(cwd);
  if (!file)
    throw new SettingError(
      `--local: no local environment (${LOCAL_ENV_FILE} in ${resolve(cwd)} or a folder above it); ${START_IT}`,
    );
  return { file, source: '--local' };
}

/** The environment the command runs with: the local environment's settings over `env` when asked. */
export function withLocalEnvironment(
  local: boolean,
  env: Env,
  cwd: string = process.cwd(),
  isRunning: (pid: number) => boolean = processIsRunning,
): Env {
  const found = settingsFile(local, env, cwd);
  if (!found) return env;
  const parsed = settingsSchema.safeParse(parseJson(readFileSync(found.file, 'utf8')));
  if (!parsed.success)
    throw new SettingError(
      `${found.source}: ${found.file} is not the settings file of a local environment (${parsed.error.issues[0]?.message ?? 'unreadable'}); ${START_IT}`,
    );
  const { pid, variables } = parsed.data;
  if (!isRunning(pid))
    throw new SettingError(
      `${found.source}: the local environment of ${found.file} (pid ${pid}) is no longer running; ${START_IT}`,
    );
  const { AWS_PROFILE: _profile, AWS_DEFAULT_PROFILE: _defaultProfile, ...rest } = env;
  return { ...rest, ...variables };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
