/**
 * One request app-dev is now denied, shown the way an operator sees it: `scp-alt simulate`, run
 * as its own process with the operator role's environment.
 */
import { spawn } from 'node:child_process';
import { PROJECT_ROOT } from '../package.ts';
import { account, type Demo, ou } from './steps.ts';

/**
 * The command line as a separate process, the operator's environment given. Never spawnSync: the
 * local stack's proxy runs in this process and must keep answering.
 */
function scpAlt(argv: string[], environment: Record<string, string>) {
  const child = spawn(process.execPath, ['bin/scp-alt.js', ...argv], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** What a developer in app-dev is refused: `scp-alt simulate`, as the operator runs it. */
export async function simulateDeniedRequest(demo: Demo): Promise<void> {
  const appDev = account(demo, 'app-dev');
  const argv = [
    'simulate',
    '--account',
    appDev,
    '--action',
    's3:GetObject',
    '--resource',
    'arn:aws-cn:s3:::reports/q3.csv',
  ];
  demo.say(`  $ scp-alt ${argv.join(' ')}`);
  const run = await scpAlt(argv, demo.env.operator.environment);
  for (const line of `${run.stdout}${run.stderr}`.trimEnd().split('\n')) demo.say(`  ${line}`);
  demo.say(`  (${ou(demo, 'Workloads')} is the Workloads OU)`);
  demo.checks.check(
    'simulate',
    'reading S3 in app-dev is denied, naming the Workloads file and statement that deny it',
    run.status === 1 && run.stdout.startsWith('Denied') && run.stdout.includes('/deny-s3.json'),
    `exit ${run.status}: ${run.stdout.split('\n')[0]}`,
  );
}
