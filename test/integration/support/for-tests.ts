import { afterAll, beforeAll } from 'vitest';
import { type LocalStackForTests, useLocalStack } from '#dev/local-aws/for-tests.ts';
import type { DeployOptions } from '#dev/local-deployment/deployment.ts';
import { LocalScpAlt } from '#dev/local-deployment/scp-alt.ts';

export interface ScpAltForTests {
  readonly stack: LocalStackForTests;
  /** scp-alt deployed into the freshly seeded default organization (available from beforeAll on). */
  readonly scpAlt: LocalScpAlt;
}

/**
 * For handler test files: reset the stack, seed the default organization and deploy scp-alt once
 * per file. Tests of one file share the organization, so each uses its own accounts or files.
 * `deploy` overrides the local queue settings (deployment.ts DeployOptions).
 */
export function useScpAlt(deploy: DeployOptions = {}): ScpAltForTests {
  const stack = useLocalStack({ reset: 'file', seed: true });
  let scpAlt: LocalScpAlt | undefined;
  beforeAll(async () => {
    scpAlt = await LocalScpAlt.start(stack, stack.organization, {}, deploy);
  });
  afterAll(async () => {
    await scpAlt?.stop();
  });
  return {
    stack,
    get scpAlt() {
      if (!scpAlt) throw new Error('useScpAlt: scp-alt is deployed in beforeAll');
      return scpAlt;
    },
  };
}
