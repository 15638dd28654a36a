import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { LocalStackError, MOTO_REQUIRED_MESSAGE, pythonMissingMessage } from './errors.ts';

export interface MotoServerOptions {
  /** Python interpreter; default `$SCP_ALT_PYTHON` or `python3`. */
  python?: string;
  /** Port; default a free one. */
  port?: number;
  /** Give up waiting for readiness after this long; default 30 s. */
  startTimeoutMs?: number;
}

export interface MotoServer {
  url: string;
  /** Forget every resource in every account (`POST /moto-api/reset`). */
  reset(): Promise<void>;
  /** Stop the server and its process group; safe to call twice. */
  stop(): Promise<void>;
}

// The interpreter exits when its stdin closes, i.e. when the Node process that started it dies for
// any reason (even SIGKILL), so no moto server outlives its owner.
const LAUNCHER = [
  'import os, sys, threading',
  'threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()',
  'from moto.server import main',
  'main(sys.argv[1:])',
].join('\n');

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startMotoServer(options: MotoServerOptions = {}): Promise<MotoServer> {
  const python = options.python ?? process.env.SCP_ALT_PYTHON ?? 'python3';
  const port = options.port ?? (await findFreePort());
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(python, ['-c', LAUNCHER, '-H', '127.0.0.1', '-p', String(port)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  const killOnExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    await stopChild(child);
  };
  try {
    await waitUntilReady(child, python, url, options.startTimeoutMs ?? 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    stop,
    reset: async () => {
      const response = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      if (!response.ok)
        throw new LocalStackError('local-stack.control-failed', `moto reset: ${response.status}`);
    },
  };
}

async function waitUntilReady(
  child: ChildProcess,
  python: string,
  url: string,
  timeoutMs: number,
): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (cause) =>
      reject(new LocalStackError('local-stack.moto-missing', pythonMissingMessage(python), { cause })),
    );
    child.once('exit', (code) => reject(startFailure(code, stderr)));
  });
  exited.catch(() => undefined);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ready = await Promise.race([isAnswering(url), exited]);
    if (ready) {
      child.stderr?.removeAllListeners('data');
      child.stderr?.resume();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new LocalStackError(
    'local-stack.start-failed',
    `moto server did not answer on ${url} within ${timeoutMs} ms`,
  );
}

function startFailure(code: number | null, stderr: string): LocalStackError {
  if (/No module named|ModuleNotFoundError|command not found/i.test(stderr) || code === 127) {
    return new LocalStackError('local-stack.moto-missing', MOTO_REQUIRED_MESSAGE);
  }
  return new LocalStackError('local-stack.start-failed', `moto server exited with ${code}: ${stderr.trim()}`);
}

async function isAnswering(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/moto-api/data.json`);
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const escalate = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
  await exited;
  clearTimeout(escalate);
  child.stdin?.destroy();
}
