// The local Lambda runtime's bootstrap: one process per invocation, started with plain `node` in
// the function's task root (the unzipped code) and the environment Lambda would give it. It plays
// what the Node.js runtime interface client does: load the module named by _HANDLER, build the
// context, call the handler, report the result or the error in Lambda's error shape. The event
// arrives on stdin; the outcome leaves on file descriptor 3, so the function's own logs keep
// stdout and stderr to themselves.
import { existsSync, writeSync } from 'node:fs';
import Module, { isBuiltin, register } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isInside } from './task-root-only.mjs';

const RESULT_FD = 3;
const taskRoot = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
let reported = false;

function report(outcome) {
  if (reported) return;
  // Serialised first: a result that cannot be serialised is reported as the error it raises.
  const text = JSON.stringify(outcome);
  reported = true;
  writeSync(RESULT_FD, text);
}

/** Lambda's error payload: errorType, errorMessage, trace (the stack, one line per entry). */
function errorPayload(error, errorType) {
  const known = error instanceof Error;
  return {
    errorType: errorType ?? (known ? error.name : typeof error),
    errorMessage: known ? error.message : String(error),
    trace: known && typeof error.stack === 'string' ? error.stack.split('\n') : [],
  };
}

function fail(error, errorType) {
  report({ status: 'error', error: errorPayload(error, errorType) });
  process.exit(1);
}

function confineToTaskRoot() {
  register(new URL('./task-root-only.mjs', import.meta.url), { data: { taskRoot } });
  // require() (bundled CommonJS code calls it) does not go through the import hooks.
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function resolveInTaskRoot(request, ...rest) {
    const file = resolveFilename.call(this, request, ...rest);
    if (isBuiltin(file) || isInside(file, taskRoot)) return file;
    const error = new Error(`Cannot find module '${request}'`);
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  };
}

async function readInvocation() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** `functions/account-register.handler` → the module `functions/account-register`, export path `handler`. */
function splitHandler(handlerString) {
  const file = basename(handlerString);
  const dot = file.indexOf('.');
  if (dot <= 0 || dot === file.length - 1) return undefined;
  return { modulePath: join(dirname(handlerString), file.slice(0, dot)), exportPath: file.slice(dot + 1) };
}

/** The error type Lambda reports for a module that fails to load. */
function loadErrorType(error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' || error?.code === 'MODULE_NOT_FOUND')
    return 'Runtime.ImportModuleError';
  return error instanceof SyntaxError ? 'Runtime.UserCodeSyntaxError' : undefined;
}

// Every failure below ends the process (fail exits), so each step may rely on the one before.
async function loadHandler(handlerString) {
  const parts = splitHandler(handlerString);
  if (!parts) fail(new Error(`Bad handler ${handlerString}`), 'Runtime.MalformedHandlerName');
  const base = join(taskRoot, parts.modulePath);
  // The order the Node.js runtime tries: .js (CommonJS here: the zip has no package.json), .mjs, .cjs.
  const file = [`${base}.js`, `${base}.mjs`, `${base}.cjs`].find((candidate) => existsSync(candidate));
  if (!file) fail(new Error(`Cannot find module '${parts.modulePath}'`), 'Runtime.ImportModuleError');
  let module;
  try {
    module = file.endsWith('.mjs')
      ? await import(pathToFileURL(file).href)
      : Module.createRequire(file)(file);
  } catch (error) {
    fail(error, loadErrorType(error));
  }
  const handler = parts.exportPath.split('.').reduce((value, key) => value?.[key], module);
  if (typeof handler !== 'function')
    fail(new Error(`${handlerString} is undefined or not exported`), 'Runtime.HandlerNotFound');
  return handler;
}

function contextFor(invocation) {
  const env = process.env;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: invocation.invokedFunctionArn,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: invocation.requestId,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, invocation.deadlineMs - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Async handlers return a promise; callback-style ones (three parameters) call back. */
function callHandler(handler, event, context) {
  if (handler.length < 3) return Promise.resolve().then(() => handler(event, context));
  return new Promise((resolve, reject) => {
    handler(event, context, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

process.on('unhandledRejection', (reason) => fail(reason, 'Runtime.UnhandledPromiseRejection'));
process.on('uncaughtException', (error) => fail(error));

const invocation = await readInvocation();
confineToTaskRoot();
const handler = await loadHandler(process.env._HANDLER ?? '');
try {
  const payload = await callHandler(handler, invocation.event, contextFor(invocation));
  report({ status: 'success', payload: payload === undefined ? null : payload });
} catch (error) {
  fail(error);
}
// Lambda freezes the process once the result is sent; open sockets must not keep it alive here.
process.exit(0);
