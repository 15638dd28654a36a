import { beforeAll, beforeEach, inject } from 'vitest';
import type { OrgSpecInput } from './org-spec.ts';
import { type SeededOrganization, seedOrganization } from './seed.ts';
import { connectLocalStack, type LocalStackClient } from './stack.ts';
import type {} from './vitest-context.ts';

export interface UseLocalStackOptions {
  /** When to reset moto and the proxy: before each test, once per file (default), or never. */
  reset?: 'each' | 'file' | 'never';
  /** Seed an organization after every reset: `true` for the default spec, or a spec / spec file. */
  seed?: boolean | OrgSpecInput | string | URL;
}

export interface LocalStackForTests extends LocalStackClient {
  /** The seeded organization; throws when `seed` was not requested or the hook has not run yet. */
  readonly organization: SeededOrganization;
}

/**
 * For integration test files: the stack started by global setup, reset (and optionally seeded) in
 * `beforeAll` or `beforeEach`. Call at the top level of a test file or `describe`.
 */
export function useLocalStack(options: UseLocalStackOptions = {}): LocalStackForTests {
  const stack = connectLocalStack(inject('localStack'));
  let organization: SeededOrganization | undefined;
  const { seed } = options;
  const seedIfAsked = async () => {
    if (seed) organization = await seedOrganization(stack, seed === true ? undefined : seed);
  };
  const prepare = async () => {
    await stack.reset();
    await seedIfAsked();
  };
  const mode = options.reset ?? 'file';
  if (mode === 'each') beforeEach(prepare);
  else if (mode === 'file') beforeAll(prepare);
  else beforeAll(seedIfAsked);
  return Object.defineProperty({ ...stack }, 'organization', {
    get: () => {
      if (!organization) throw new Error('useLocalStack: no organization seeded (pass { seed: true })');
      return organization;
    },
  }) as LocalStackForTests;
}
