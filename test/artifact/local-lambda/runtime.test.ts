/**
 * The local Lambda runtime itself: what a function process sees and how failures come back. A
 * packaging mistake must surface the way Lambda would show it, never be hidden by the project's
 * own node_modules, environment or loaders.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaEnvironment, pathStyleEndpoint } from '#dev/local-lambda/environment.ts';
import { BOOTSTRAP, type InvocationOutcome, invokeProcess } from '#dev/local-lambda/invoke.ts';
import type { PackagedFunction } from '#dev/local-lambda/template.ts';
import { makeScratchDir, removeScratchDir } from '#scripts/scratch.ts';

// Inside the project on purpose: Node would find the project's node_modules from here.
let taskRoot: string;
let runDir: string;

const HANDLERS: Record<string, string> = {
  'functions/echo.mjs': `export const handler = async (event, context) => ({
    event,
    requestId: context.awsRequestId,
    functionName: context.functionName,
    remainingMs: context.getRemainingTimeInMillis(),
    env: process.env,
    execArgv: process.execArgv,
  });`,
  'functions/throws.mjs': `export const handler = async () => { throw new TypeError('bad input'); };`,
  'functions/imports-sdk.mjs': `import '@aws-sdk/client-s3'; export const handler = async () => 'loaded';`,
  'functions/requires-zod.mjs': `import { createRequire } from 'node:module';
    const require = createRequire(import.meta.url);
    export const handler = async () => typeof require('zod');`,
  'functions/uses-builtin.mjs': `import { createHash } from 'node:crypto';
    import { createRequire } from 'node:module';
    const require = createRequire(import.meta.url);
    export const handler = async () => [createHash('sha256').update('x').digest('hex').length, typeof require('node:os').cpus];`,
  'functions/exits.mjs': `export const handler = async () => { process.exit(3); };`,
  'functions/hangs.mjs': `export const handler = () => new Promise(() => { setInterval(() => {}, 1000); });`,
  'functions/callback.cjs': `exports.handler = (event, context, callback) => callback(null, { got: event.n + 1 });`,
  'functions/bigint.mjs': `export const handler = async () => ({ count: 10n });`,
  'functions/rejects-later.mjs': `export const handler = async () => { Promise.reject(new Error('nobody waits')); await new Promise((r) => setTimeout(r, 200)); return 'too late'; };`,
};

function packagedFunction(handler: string): PackagedFunction {
  return {
    logicalId: 'ProbeLambdaFunction',
    functionName: 'scp-alt-test-probe',
    handler,
    runtime: 'nodejs22.x',
    timeoutSeconds: 60,
    memoryMb: 256,
    zipName: 'probe.zip',
    roleLogicalId: 'ProbeRole',
    environment: {},
  };
}

function invoke(handler: string, event: unknown = {}, timeoutMs = 60_000) {
  return invokeProcess({
    taskRoot,
    environment: lambdaEnvironment({
      fn: packagedFunction(handler),
      variables: { TABLE: 'from-the-template' },
      region: 'cn-north-1',
      taskRoot,
      runtimeDir: dirname(BOOTSTRAP),
      scratchDir: join(runDir, 'tmp'),
      session: { accessKeyId: 'ASIAROLESESSION00001', secretAccessKey: 'secret', sessionToken: 'token' },
      endpointUrl: 'http://127.0.0.1:9',
    }),
    event,
    invokedFunctionArn: 'arn:aws-cn:lambda:cn-north-1:111122223333:function:scp-alt-test-probe',
    timeoutMs,
  });
}

function errorOf(outcome: InvocationOutcome) {
  if (outcome.status !== 'error') throw new Error(`expected an error, got ${JSON.stringify(outcome)}`);
  return outcome.error;
}

beforeAll(async () => {
  runDir = await makeScratchDir('local-lambda-test');
  taskRoot = join(runDir, 'task');
  for (const [file, source] of Object.entries(HANDLERS)) {
    await mkdir(dirname(join(taskRoot, file)), { recursive: true });
    await writeFile(join(taskRoot, file), source);
  }
  await mkdir(join(runDir, 'tmp'));
});

afterAll(async () => {
  await removeScratchDir(runDir);
});

describe('local Lambda runtime', () => {
  it('passes the event and a Lambda context, and gives only the Lambda environment', async () => {
    process.env.SCP_ALT_CANARY = 'must not reach the function';
    const result = await invoke('functions/echo.handler', { hello: 'world' }).finally(() => {
      delete process.env.SCP_ALT_CANARY;
    });

    expect(result.outcome.status).toBe('success');
    const payload = (result.outcome as { payload: Record<string, unknown> }).payload;
    expect(payload.event).toEqual({ hello: 'world' });
    expect(payload.requestId).toBe(result.requestId);
    expect(payload.functionName).toBe('scp-alt-test-probe');
    expect(payload.remainingMs).toBeGreaterThan(0);
    expect(payload.remainingMs).toBeLessThanOrEqual(60_000);
    expect(payload.execArgv).toEqual([]);
    const env = payload.env as Record<string, string>;
    expect(env).toMatchObject({
      TABLE: 'from-the-template',
      _HANDLER: 'functions/echo.handler',
      AWS_REGION: 'cn-north-1',
      AWS_ACCESS_KEY_ID: 'ASIAROLESESSION00001',
      AWS_SESSION_TOKEN: 'token',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      LAMBDA_TASK_ROOT: taskRoot,
    });
    expect(env.SCP_ALT_CANARY).toBeUndefined();
    expect(env.NODE_OPTIONS).toBeUndefined();
    expect(env.AWS_PROFILE).toBeUndefined();
  });

  it('returns a thrown error as Lambda does: type, message, trace', async () => {
    const error = errorOf((await invoke('functions/throws.handler')).outcome);

    expect(error).toMatchObject({ errorType: 'TypeError', errorMessage: 'bad input' });
    expect(error.trace[0]).toBe('TypeError: bad input');
  });

  it('refuses an import the zip does not hold, though the project has the package', async () => {
    const error = errorOf((await invoke('functions/imports-sdk.handler')).outcome);

    expect(error.errorType).toBe('Runtime.ImportModuleError');
    expect(error.errorMessage).toContain('@aws-sdk/client-s3');
  });

  it('refuses a require() the zip does not hold, though the project has the package', async () => {
    const error = errorOf((await invoke('functions/requires-zod.handler')).outcome);

    expect(error.errorMessage).toBe("Cannot find module 'zod'");
  });

  it("loads Node's built-in modules through import and require", async () => {
    const result = await invoke('functions/uses-builtin.handler');

    expect(result.outcome).toEqual({ status: 'success', payload: [64, 'function'] });
  });

  it('reports a handler file that is not there as Runtime.ImportModuleError', async () => {
    const error = errorOf((await invoke('functions/missing.handler')).outcome);

    expect(error).toMatchObject({
      errorType: 'Runtime.ImportModuleError',
      errorMessage: "Cannot find module 'functions/missing'",
    });
  });

  it('reports an export that is not there as Runtime.HandlerNotFound', async () => {
    const error = errorOf((await invoke('functions/echo.main')).outcome);

    expect(error).toMatchObject({
      errorType: 'Runtime.HandlerNotFound',
      errorMessage: 'functions/echo.main is undefined or not exported',
    });
  });

  it('reports a handler string without an export as Runtime.MalformedHandlerName', async () => {
    expect(errorOf((await invoke('functions/echo')).outcome).errorType).toBe('Runtime.MalformedHandlerName');
  });

  it('reports a process that exits before answering as Runtime.ExitError', async () => {
    const error = errorOf((await invoke('functions/exits.handler')).outcome);

    expect(error.errorType).toBe('Runtime.ExitError');
    expect(error.errorMessage).toContain('exit status 3');
  });

  it('stops a function at its timeout as Lambda does', async () => {
    const error = errorOf((await invoke('functions/hangs.handler', {}, 1500)).outcome);

    expect(error.errorType).toBe('Sandbox.Timedout');
    expect(error.errorMessage).toContain('Task timed out after 1.50 seconds');
  });

  it('calls a callback-style CommonJS handler', async () => {
    const result = await invoke('functions/callback.handler', { n: 41 });

    expect(result.outcome).toEqual({ status: 'success', payload: { got: 42 } });
  });

  it('reports a result that cannot be serialised as the error serialising it raises', async () => {
    const error = errorOf((await invoke('functions/bigint.handler')).outcome);

    expect(error.errorType).toBe('TypeError');
    expect(error.errorMessage).toContain('BigInt');
  });

  it('fails the invocation on an unhandled rejection', async () => {
    const error = errorOf((await invoke('functions/rejects-later.handler')).outcome);

    expect(error).toMatchObject({
      errorType: 'Runtime.UnhandledPromiseRejection',
      errorMessage: 'nobody waits',
    });
  });
});

describe('local endpoint', () => {
  it('must be an IP address, so the S3 client addresses buckets by path without any product setting', () => {
    expect(pathStyleEndpoint('http://127.0.0.1:4566')).toBe('http://127.0.0.1:4566');
    expect(pathStyleEndpoint('http://[::1]:4566')).toBe('http://[::1]:4566');
    expect(() => pathStyleEndpoint('http://localhost:4566')).toThrow(/must be an IP address/);
  });

  it('refuses template variables that Lambda reserves', () => {
    expect(() =>
      lambdaEnvironment({
        fn: packagedFunction('functions/echo.handler'),
        variables: { AWS_REGION: 'us-east-1' },
        region: 'cn-north-1',
        taskRoot: '/task',
        runtimeDir: '/runtime',
        scratchDir: '/scratch',
        session: { accessKeyId: 'a', secretAccessKey: 'b' },
        endpointUrl: 'http://127.0.0.1:1',
      }),
    ).toThrow(/reserved variables Lambda refuses: AWS_REGION/);
  });
});
