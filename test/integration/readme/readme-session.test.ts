/**
 * The README's example session, line by line, against a fresh local environment: every `$ …`
 * line runs in bash as typed (scp-alt is bin/scp-alt.js, `aws` the SDK stand-in) after the
 * environment's exports.sh, and its output and exit status must be the README's (times aside;
 * `…` stands for lines left out). The functions run from source here, wired to their triggers
 * as in AWS; nothing drives them but the lines themselves. When the product's output changes on
 * purpose: `npx tsx dev/readme-session/main.ts --write`, then review the README diff.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLocalStack } from '#dev/local-aws/for-tests.ts';
import { type LocalEnvironment, startLocalEnvironment } from '#dev/local-env/environment.ts';
import { prepareSession, type SessionFolder } from '#dev/readme-session/prepare.ts';
import { outputLines, outputMatches, sessionSteps } from '#dev/readme-session/session.ts';
import { runLine } from '#dev/readme-session/shell.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const steps = sessionSteps(readFileSync(`${root}README.md`, 'utf8'));
const stack = useLocalStack({ reset: 'never' });
let env: LocalEnvironment;
let folder: SessionFolder;

beforeAll(async () => {
  env = await startLocalEnvironment({ stack, functions: 'source', reconcileEveryMs: 0 });
  folder = await prepareSession(env, root);
});
afterAll(async () => {
  await folder?.remove();
  await env?.stop();
});

describe('README example session', () => {
  it('Given the README, then its session has the operator commands of every section', () => {
    const commands = steps.map((step) => step.command.split(' ').slice(0, 2).join(' '));
    for (const command of [
      'scp-alt enroll',
      'scp-alt status',
      'scp-alt plan',
      'scp-alt simulate',
      'scp-alt replay',
      'scp-alt report',
      'scp-alt deregister',
      'scp-alt export-native',
      'aws s3',
      'aws iam',
    ])
      expect(commands).toContain(command);
  });

  for (const step of steps) {
    it(`README line ${step.line}: $ ${step.command}`, async () => {
      // As a person waits for the previous line's effects (functions, forwarded events) to land.
      await env.settled();
      const { output, exit } = await runLine(folder.shell, step.command);
      const actual = outputLines(output);
      if (!outputMatches(step.expected, actual)) expect(actual.join('\n')).toBe(step.expected.join('\n'));
      expect(exit).toBe(step.expectedExit);
    });
  }
});
