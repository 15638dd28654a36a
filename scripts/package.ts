/**
 * `make package`: build the Lambda bundles and the security-account CloudFormation template with
 * osls, offline and without AWS credentials, then gather everything an operator uploads into
 * assets/ (function zips, packaged template, templates/*.yaml) and print the sizes.
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { makeScratchDir, removeScratchDir } from './scratch.ts';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PACKAGE_STAGE = 'prod';
export const PACKAGE_REGION = 'cn-north-1';
export const SERVERLESS_DIR = '.serverless';
export const PACKAGED_TEMPLATE = 'cloudformation-template-update-stack.json';
const ASSETS_DIR = 'assets';
const DEFAULT_TIMEOUT_MS = 5 * 60 * 1000;

export class PackagingError extends Error {
  override name = 'PackagingError';
}

export interface PackageOptions {
  projectRoot?: string;
  /** osls has been seen to hang after a failed build instead of exiting: never wait forever. */
  timeoutMs?: number;
  /** Where osls output goes; 'inherit' shows it, 'pipe' keeps it for the error message. */
  output?: 'inherit' | 'pipe';
}

/**
 * Environment of the osls child. Packaging makes no AWS call, but the SDK credential chain must
 * not go looking (profiles, the instance metadata endpoint, which hangs without network). Its
 * temporary files go to `tmpDir`: serverless-esbuild stages every zip in a folder under the temp
 * directory and does not remove it (its removal is not recursive and fails silently).
 */
export function offlineEnvironment(
  base: NodeJS.ProcessEnv = process.env,
  tmpDir?: string,
): NodeJS.ProcessEnv {
  const { AWS_PROFILE: _profile, AWS_SESSION_TOKEN: _token, ...inherited } = base;
  return {
    ...inherited,
    ...(tmpDir ? { TMPDIR: tmpDir, TMP: tmpDir, TEMP: tmpDir } : {}),
    AWS_ACCESS_KEY_ID: 'AKIAPACKAGEOFFLINE00',
    AWS_SECRET_ACCESS_KEY: 'package-offline-no-aws-calls',
    AWS_SDK_LOAD_CONFIG: '0',
    AWS_EC2_METADATA_DISABLED: 'true',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    // Nothing in packaging should reach a registry; if something tries, fail fast instead of hang.
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
  };
}

/**
 * Runs `osls package --stage prod --region cn-north-1` into .serverless/, with its temporary files
 * in a folder under `.scratch/` that is removed afterwards, whatever happened.
 */
export async function packageService(options: PackageOptions = {}): Promise<void> {
  const root = options.projectRoot ?? PROJECT_ROOT;
  const osls = join(root, 'node_modules', '.bin', 'osls');
  const args = ['package', '--stage', PACKAGE_STAGE, '--region', PACKAGE_REGION];
  const tmpDir = await makeScratchDir('package', root);
  try {
    await runChild(osls, args, {
      cwd: root,
      env: offlineEnvironment(process.env, tmpDir),
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      output: options.output ?? 'inherit',
    });
  } finally {
    await removeScratchDir(tmpDir);
  }
}

interface ChildOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  output: 'inherit' | 'pipe';
}

// After SIGTERM, how long osls gets before its whole process group is killed.
const KILL_GRACE_MS = 5000;

/** Settles only once the child has exited, so nothing it started outlives the call. */
function runChild(command: string, args: string[], options: ChildOptions): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', options.output, options.output],
      // Own process group, so a timeout ends osls and the esbuild service it started.
      detached: true,
    });
    let captured = '';
    const keep = (chunk: Buffer) => {
      captured = (captured + chunk.toString()).slice(-8000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let timedOut = false;
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // ESRCH: nothing of the group is left.
      }
    };
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS);
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new PackagingError(`cannot start ${command}: ${error.message}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      // Whatever osls started and left running (an esbuild service) goes with it.
      signalGroup('SIGKILL');
      if (timedOut)
        reject(
          new PackagingError(`osls package did not finish within ${options.timeoutMs / 1000}s\n${captured}`),
        );
      else if (code === 0) resolvePromise();
      else reject(new PackagingError(`osls package exited with code ${code}\n${captured}`));
    });
  });
}

export interface Asset {
  name: string;
  bytes: number;
}

/** Replaces assets/ with the function zips, the packaged template and templates/*.yaml. */
export async function collectAssets(projectRoot: string = PROJECT_ROOT): Promise<Asset[]> {
  const serverlessDir = join(projectRoot, SERVERLESS_DIR);
  const templatesDir = join(projectRoot, 'templates');
  const assetsDir = join(projectRoot, ASSETS_DIR);
  const zips = (await readdir(serverlessDir)).filter((name) => name.endsWith('.zip'));
  const yamls = (await readdir(templatesDir)).filter((name) => name.endsWith('.yaml'));
  if (zips.length === 0) throw new PackagingError(`no function zips in ${SERVERLESS_DIR}/`);
  const sources = [
    ...zips.map((name) => join(serverlessDir, name)),
    join(serverlessDir, PACKAGED_TEMPLATE),
    ...yamls.map((name) => join(templatesDir, name)),
  ];
  await rm(assetsDir, { recursive: true, force: true });
  await mkdir(assetsDir, { recursive: true });
  const assets: Asset[] = [];
  for (const source of sources) {
    const target = join(assetsDir, basename(source));
    await copyFile(source, target);
    assets.push({ name: basename(source), bytes: (await stat(target)).size });
  }
  return assets;
}

export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(2)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

async function main(): Promise<void> {
  await packageService();
  const assets = await collectAssets();
  const width = Math.max(...assets.map((asset) => asset.name.length));
  console.log(`\n${ASSETS_DIR}/`);
  for (const asset of assets)
    console.log(`  ${asset.name.padEnd(width)}  ${formatSize(asset.bytes).padStart(10)}`);
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
