/**
 * One invocation = one fresh `node` process running runtime/bootstrap.mjs in the function's task
 * root, with exactly the environment given (nothing inherited from the calling process: no tsx
 * loader, no NODE_OPTIONS, no developer credentials). The event goes in on stdin, the outcome
 * comes back on file descriptor 3; stdout and stderr are the function's log.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { LocalLambdaError } from './errors.ts';

export const BOOTSTRAP = fileURLToPath(new URL('./runtime/bootstrap.mjs', import.meta.url));

/** Lambda's error payload. */
export interface LambdaErrorPayload {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

export type InvocationOutcome =
  | { status: 'success'; payload: unknown }
  | { status: 'error'; error: LambdaErrorPayload };

export interface InvocationResult {
  requestId: string;
  outcome: InvocationOutcome;
  /** What the function wrote on stdout and stderr, in arrival order. */
  log: string;
  durationMs: number;
}

export interface ProcessInvocation {
  taskRoot: string;
  environment: Record<string, string>;
  event: unknown;
  invokedFunctionArn: string;
  timeoutMs: number;
  /** Node binary; the one running this process unless given. */
  node?: string;
}

export function invokeProcess(invocation: ProcessInvocation): Promise<InvocationResult> {
  const requestId = randomUUID();
  const startedAt = Date.now();
  const child = spawn(invocation.node ?? process.execPath, [BOOTSTRAP], {
    cwd: invocation.taskRoot,
    env: invocation.environment,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  let log = '';
  let result = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  const resultPipe = child.stdio[3] as NodeJS.ReadableStream | null;
  resultPipe?.on('data', (chunk: Buffer) => {
    result += chunk.toString();
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, invocation.timeoutMs);
  child.stdin?.end(
    JSON.stringify({
      event: invocation.event,
      requestId,
      invokedFunctionArn: invocation.invokedFunctionArn,
      deadlineMs: startedAt + invocation.timeoutMs,
    }),
  );
  return new Promise((resolve, reject) => {
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new LocalLambdaError('local-lambda.invoke-failed', `cannot start node: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const durationMs = Date.now() - startedAt;
      const outcome = timedOut
        ? timeoutOutcome(requestId, invocation.timeoutMs)
        : (parseOutcome(result) ?? exitOutcome(requestId, code, signal));
      resolve({ requestId, outcome, log, durationMs });
    });
  });
}

function parseOutcome(text: string): InvocationOutcome | undefined {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as InvocationOutcome;
  } catch {
    // Only a process killed mid-write leaves half a result; Lambda would see no answer at all.
    return undefined;
  }
}

/** What Lambda answers when the runtime process ends without reporting a result. */
function exitOutcome(requestId: string, code: number | null, signal: string | null): InvocationOutcome {
  const status = signal ? `signal: ${signal}` : `exit status ${code}`;
  return {
    status: 'error',
    error: {
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${status}`,
      trace: [],
    },
  };
}

function timeoutOutcome(requestId: string, timeoutMs: number): InvocationOutcome {
  return {
    status: 'error',
    error: {
      errorType: 'Sandbox.Timedout',
      errorMessage: `${new Date().toISOString()} ${requestId} Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
      trace: [],
    },
  };
}
