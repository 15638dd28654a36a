/**
 * Answers SDK commands in-process: a middleware at the start of the client's stack records each
 * call and returns the responder's output, so adapters run against real SDK clients (paginators
 * included) without network. This is also how tests count AWS calls.
 */
export type Responder = (input: Record<string, unknown>) => unknown;

export interface SdkCall {
  command: string;
  input: Record<string, unknown>;
}

interface StubbableClient {
  middlewareStack: {
    add(
      middleware: (
        next: unknown,
        context: { commandName?: string },
      ) => (args: { input: Record<string, unknown> }) => Promise<unknown>,
      options: { step: 'initialize'; name: string; priority: 'high' },
    ): void;
  };
}

export function stubSdk(
  client: unknown,
  responders: Record<string, Responder>,
  calls: SdkCall[] = [],
): SdkCall[] {
  (client as StubbableClient).middlewareStack.add(
    (_next, context) => async (args) => {
      const command = (context.commandName ?? '').replace(/Command$/, '');
      calls.push({ command, input: structuredClone(args.input) });
      const respond = responders[command];
      if (!respond) throw new Error(`unexpected SDK call ${command}`);
      return { output: { $metadata: {}, ...((await respond(args.input)) as object) }, response: {} };
    },
    { step: 'initialize', name: 'scpAltTestStub', priority: 'high' },
  );
  return calls;
}

export function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: {} });
}
