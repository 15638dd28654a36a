import type { TestProject } from 'vitest/node';
import { startLocalStack } from '#dev/local-aws/stack.ts';
import type {} from '#dev/local-aws/vitest-context.ts';
import { removeArtifacts, unpackArtifacts } from '#dev/local-lambda/local-lambda.ts';
import type {} from './support/vitest-context.ts';

/**
 * The zips `make package` built, unpacked once for the whole run (a missing zip or template stops
 * the run here, saying to run `make package`), and one local AWS stack that test files reset.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const artifacts = await unpackArtifacts();
  try {
    const stack = await startLocalStack();
    project.provide('localStack', stack.info);
    project.provide('artifacts', artifacts);
    return async () => {
      await stack.stop();
      await removeArtifacts(artifacts);
    };
  } catch (error) {
    await removeArtifacts(artifacts);
    throw error;
  }
}
