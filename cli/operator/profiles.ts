/**
 * Profile names in the operator's shared AWS files. The SDK answers an unknown profile with the
 * same "could not load credentials" as no credentials at all; checking first lets the message
 * name the profile and the nearest one that exists.
 */
import { loadSharedConfigFiles } from '@smithy/core/config';
import { didYouMean } from '../suggest.ts';
import type { Env } from './aws-options.ts';
import { SettingError } from './usage-error.ts';

export async function profileNames(env: Env): Promise<string[]> {
  const files = await loadSharedConfigFiles({
    ...(env.AWS_CONFIG_FILE ? { configFilepath: env.AWS_CONFIG_FILE } : {}),
    ...(env.AWS_SHARED_CREDENTIALS_FILE ? { filepath: env.AWS_SHARED_CREDENTIALS_FILE } : {}),
    ignoreCache: true,
  }).catch(() => ({ configFile: {}, credentialsFile: {} }));
  return [...new Set([...Object.keys(files.configFile), ...Object.keys(files.credentialsFile)])].sort();
}

export async function assertProfileExists(profile: string, source: string, env: Env): Promise<void> {
  const names = await profileNames(env);
  if (names.includes(profile)) return;
  const listed = names.length > 0 ? `; profiles there: ${names.join(', ')}` : '; there are no profiles';
  throw new SettingError(
    `profile '${profile}' (from ${source}) is not in ~/.aws/config or ~/.aws/credentials` +
      `${didYouMean(profile, names)}${listed}`,
  );
}
