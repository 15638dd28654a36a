import { defineConfig } from 'vitest/config';

/**
 * No test depends on how fast the machine is: generative and differential suites are bounded by
 * case count, and the per-test limits below only catch a test that hangs. They sit far above the
 * slowest test on an idle 2-core machine (~16 s), so a machine busy with other work cannot reach them.
 */
const HANG_LIMIT_MS = 20 * 60_000;

export default defineConfig({
  test: {
    // The SDK's Node-version notice repeats in every worker and child process and tells a test
    // reader nothing (supported versions: README, Requirements).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'shared/**/*.test.ts',
            'functions/**/*.test.ts',
            'cli/**/*.test.ts',
            'test/unit/**/*.test.ts',
          ],
          testTimeout: HANG_LIMIT_MS,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: HANG_LIMIT_MS,
          hookTimeout: HANG_LIMIT_MS,
          // One moto server is shared; test files reset it, so they must not run concurrently.
          fileParallelism: false,
        },
      },
      {
        test: {
          // The zips `make package` built, run with plain node against the local stack.
          name: 'artifact',
          include: ['test/artifact/**/*.test.ts'],
          globalSetup: ['test/artifact/global-setup.ts'],
          testTimeout: HANG_LIMIT_MS,
          hookTimeout: HANG_LIMIT_MS,
          // One local stack is shared and test files reset it.
          fileParallelism: false,
        },
      },
    ],
  },
});
