/**
 * Section 3: what ships, measured from the zips `make package` built (assets/): zip size, size of
 * the bundle inside, and cold module initialisation — a fresh `node` process, started in the
 * unzipped task root with no inherited environment, imports the handler module and reports how
 * long the import took; next to the same handler imported unbundled from its TypeScript source
 * through tsx. `npx tsx bench/footprint.ts [runs]` measures this section alone.
 */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import {
  ASSETS_DIR,
  removeArtifacts,
  type UnpackedFunction,
  unpackArtifacts,
} from '#dev/local-lambda/local-lambda.ts';
import { FUNCTION_NAMES, type FunctionName } from '#functions/permissions.ts';
import { footprintTable } from './report.ts';
import { median } from './traffic.ts';

const run = promisify(execFile);
const ROOT = new URL('../', import.meta.url);

export interface FootprintResult {
  functionName: FunctionName;
  /** The zip as uploaded to Lambda. */
  zipBytes: number;
  /** The handler module inside it (the whole bundle: SDK and action catalog included). */
  bundleBytes: number;
  /** Median wall time of one import of the bundle in a fresh process. */
  coldInitBundledMs: number;
  /** Median CPU time (user + system) of the same imports. */
  coldInitBundledCpuMs: number;
  coldInitSourceMs: number;
}

export async function benchFootprint(runs: number): Promise<FootprintResult[]> {
  const artifacts = await unpackArtifacts();
  try {
    const results: FootprintResult[] = [];
    for (const functionName of FUNCTION_NAMES) {
      const fn = packaged(artifacts.functions, functionName);
      const moduleFile = join(fn.taskRoot, `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.mjs`);
      const source = new URL(`functions/${functionName}.ts`, ROOT);
      const bundled = await coldInit(pathToFileURL(moduleFile), fn.taskRoot, runs, [], {});
      const fromSource = await coldInit(source, fileURLToPath(ROOT), runs, ['--import', 'tsx'], process.env);
      results.push({
        functionName,
        zipBytes: (await stat(join(ASSETS_DIR, fn.zipName))).size,
        bundleBytes: (await stat(moduleFile)).size,
        coldInitBundledMs: bundled.wallMs,
        coldInitBundledCpuMs: bundled.cpuMs,
        coldInitSourceMs: fromSource.wallMs,
      });
    }
    return results;
  } finally {
    await removeArtifacts(artifacts);
  }
}

function packaged(functions: UnpackedFunction[], name: FunctionName): UnpackedFunction {
  const fn = functions.find((candidate) => candidate.functionName.endsWith(`-${name}`));
  if (!fn) throw new Error(`no packaged function ${name} in ${ASSETS_DIR}: run \`make package\``);
  return fn;
}

// Prints the milliseconds one dynamic import of the module took, in a process that did nothing
// else: wall time, then CPU time (user + system), which other work on the machine inflates far less.
const IMPORT_TIMER = [
  'const started = performance.now(); const cpu = process.cpuUsage();',
  'await import(process.argv[1]);',
  'const used = process.cpuUsage(cpu);',
  'console.log(performance.now() - started, (used.user + used.system) / 1000);',
].join(' ');

interface ColdInit {
  wallMs: number;
  cpuMs: number;
}

async function coldInit(
  module: URL,
  cwd: string,
  runs: number,
  nodeFlags: string[],
  env: NodeJS.ProcessEnv,
): Promise<ColdInit> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let index = 0; index < runs; index++) {
    const { stdout } = await run(
      process.execPath,
      [...nodeFlags, '--input-type=module', '-e', IMPORT_TIMER, module.href],
      { cwd, env: { ...env, PATH: process.env.PATH ?? '', NODE_NO_WARNINGS: '1' } },
    );
    const [wallMs, cpuMs] = (stdout.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
    wall.push(wallMs ?? Number.NaN);
    cpu.push(cpuMs ?? Number.NaN);
  }
  return { wallMs: median(wall), cpuMs: median(cpu) };
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  const runs = Number(process.argv[2] ?? 7);
  console.log(`Footprint (median of ${runs} fresh processes)\n${footprintTable(await benchFootprint(runs))}`);
}
