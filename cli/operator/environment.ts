/**
 * What the operator commands read from the process: environment variables and whether stdout is
 * a terminal. Injected so tests run commands in-process with their own credentials and endpoint.
 */
export interface OperatorEnvironment {
  env: Readonly<Record<string, string | undefined>>;
  /** Colours and progress lines only when a person is watching. */
  stdoutIsTty: boolean;
}

export function processEnvironment(): OperatorEnvironment {
  return { env: process.env, stdoutIsTty: process.stdout.isTTY === true };
}
