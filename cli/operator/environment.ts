/**
 * What the operator commands read from the process: environment variables, whether stdin and
 * stdout are terminals, and a way to ask a question. Injected so tests run commands in-process
 * with their own credentials, endpoint and answers.
 */
import { createInterface } from 'node:readline/promises';

export interface OperatorEnvironment {
  env: Readonly<Record<string, string | undefined>>;
  /** Colours and progress lines only when a person is watching. */
  stdoutIsTty: boolean;
  /** A question can be asked only when someone can type the answer. */
  stdinIsTty?: boolean;
  /** Asks on the terminal (prompt on stderr, so stdout stays the command's output). */
  ask?: (question: string) => Promise<string>;
}

export function processEnvironment(): OperatorEnvironment {
  return {
    env: process.env,
    stdoutIsTty: process.stdout.isTTY === true,
    stdinIsTty: process.stdin.isTTY === true,
    ask: async (question) => {
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await prompt.question(question);
      } finally {
        prompt.close();
      }
    },
  };
}
