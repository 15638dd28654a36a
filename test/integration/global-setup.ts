import type { TestProject } from 'vitest/node';
import { startLocalStack } from '#dev/local-aws/stack.ts';
import type {} from '#dev/local-aws/vitest-context.ts';

/** One local AWS stack for the whole integration run; test files reset it (see useLocalStack). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stack = await startLocalStack();
  project.provide('localStack', stack.info);
  return () => stack.stop();
}
