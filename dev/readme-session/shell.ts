/**
 * Runs one line of the README session as a person would type it, in bash, after
 * `. .scratch/local-env/exports.sh`: `scp-alt` is the checkout's bin/scp-alt.js, `aws` the SDK
 * stand-in (aws-stand-in.ts), anything else (mkdir, cp) the shell's own. stderr is folded into
 * stdout, in the order written, as a terminal shows them.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface SessionShell {
  /** The checkout, whose bin/scp-alt.js runs. */
  root: string;
  /** Working folder of the session (holds `policies`, receives what the session writes). */
  cwd: string;
  /** The local environment's exports.sh. */
  exportsFile: string;
}

export interface LineResult {
  output: string;
  exit: number;
}

export function runLine(shell: SessionShell, command: string): Promise<LineResult> {
  const tsx = join(shell.root, 'node_modules', 'tsx', 'dist', 'loader.mjs');
  const script = [
    'exec 2>&1',
    `. ${JSON.stringify(shell.exportsFile)}`,
    `scp-alt() { node ${JSON.stringify(join(shell.root, 'bin', 'scp-alt.js'))} "$@"; }`,
    `aws() { node --import ${JSON.stringify(tsx)} ${JSON.stringify(join(shell.root, 'dev', 'readme-session', 'aws-stand-in.ts'))} "$@"; }`,
    command,
  ].join('\n');
  const child = spawn('bash', ['-c', script], {
    cwd: shell.cwd,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: shell.cwd,
      TSX_DISABLE_CACHE: '1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ output, exit: code ?? 1 }));
  });
}
