/**
 * Answers SDK commands in-process: a middleware at the start of the client's stack records each
 * call and returns the responder's output, so adapters run against real SDK clients (paginators
 * included) without network. This is also how tests count AWS calls.
 */
import type {
  HandlerExecutionContext,
  InitializeHandlerArguments,
  InitializeMiddleware,
  MetadataBearer,
  MiddlewareStack,
} from '@smithy/types';

/** One recorded call: the command name without `Command`, and a copy of its input. */
export interface SdkCall {
  command: string;
  input: Record<string, unknown>;
}

/**
 * What a client's commands may answer: one of its output shapes, without the metadata. An output
 * that holds nothing but metadata is answered with `{}` and must not become the empty object type,
 * which any answer fits: a misspelt or mistyped field of another output would then pass.
 */
type AnswerOf<Output extends MetadataBearer> = Output extends MetadataBearer
  ? [Exclude<keyof Output, '$metadata'>] extends [never]
    ? Record<string, never>
    : Omit<Output, '$metadata'>
  : never;

/** Answers one command; the input is the command's, read as a plain record. */
export type Responder<Output extends MetadataBearer = MetadataBearer> = (
  input: Record<string, unknown>,
) => AnswerOf<Output> | Promise<AnswerOf<Output>>;

/** Any SDK v3 client: its middleware stack is typed by the client's own inputs and outputs. */
export interface StubbableClient<Input extends object, Output extends MetadataBearer> {
  middlewareStack: MiddlewareStack<Input, Output>;
}

/** Answers the client's commands with `responders` (keyed by command name); any other command fails. */
export function stubSdk<Input extends object, Output extends MetadataBearer>(
  client: StubbableClient<Input, Output>,
  responders: Record<string, Responder<Output>>,
  calls: SdkCall[] = [],
): SdkCall[] {
  const answer: InitializeMiddleware<Input, Output> =
    (_next, context: HandlerExecutionContext) => async (args: InitializeHandlerArguments<Input>) => {
      const command = (context.commandName ?? '').replace(/Command$/, '');
      const input = structuredClone(args.input) as Record<string, unknown>;
      calls.push({ command, input });
      const respond = responders[command];
      if (!respond) throw new Error(`unexpected SDK call ${command}`);
      const output = { $metadata: {}, ...(await respond(input)) } as Output;
      return { output, response: {} };
    };
  client.middlewareStack.add(answer, { step: 'initialize', name: 'scpAltTestStub', priority: 'high' });
  return calls;
}

export function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: {} });
}
