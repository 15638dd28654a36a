#!/usr/bin/env node
/**
 * Entry point of the scp-alt command. The CLI is TypeScript; transpiling it at every start costs
 * most of a second, so the first run bundles it with esbuild into node_modules/.cache/scp-alt-cli
 * (ignored, rebuilt whenever a source file, the lockfile or this file changes) and later runs load
 * that bundle. Commands load on first use, so offline commands never read the AWS SDK. Without
 * esbuild, or with SCP_ALT_FROM_SOURCE=1, tsx runs the sources directly.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The SDK's notice that its 2027 releases will need Node 22 is for whoever maintains this checkout
// (README, Requirements), not for an operator running a command: keep it out of command output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, 'node_modules', '.cache', 'scp-alt-cli');
const SOURCE_FOLDERS = ['cli', 'shared'];
const SOURCE_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'bin/scp-alt.js'];

/** Paths, sizes and modification times of everything the bundle is built from. */
function fingerprint() {
  const hash = createHash('sha256');
  const visit = (relative) => {
    const path = join(root, relative);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) visit(join(relative, entry));
    } else if (/\.(ts|json|js)$/.test(relative) && !relative.endsWith('.test.ts')) {
      hash.update(`${relative}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  };
  for (const source of [...SOURCE_FOLDERS, ...SOURCE_FILES]) visit(source);
  return hash.digest('hex').slice(0, 16);
}

async function build(target) {
  const { build: esbuild } = await import('esbuild');
  const staging = `${target}.${process.pid}.${Date.now()}`;
  await esbuild({
    entryPoints: { main: join(root, 'cli', 'main.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir: staging,
    outExtension: { '.js': '.mjs' },
    // Bundled CommonJS modules of the SDK still call require() for Node's own modules.
    banner: {
      js: "import { createRequire as __scpAltRequire } from 'node:module'; const require = __scpAltRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
  try {
    renameSync(staging, target);
  } catch {
    // Another run built the same sources at the same time; its bundle is as good as ours.
    rmSync(staging, { recursive: true, force: true });
  }
  for (const entry of readdirSync(cache)) {
    if (join(cache, entry) !== target && !entry.includes('.'))
      rmSync(join(cache, entry), { recursive: true, force: true });
  }
}

async function loadMain() {
  if (process.env.SCP_ALT_FROM_SOURCE !== '1') {
    try {
      const target = join(cache, fingerprint());
      if (!existsSync(join(target, 'main.mjs'))) {
        mkdirSync(cache, { recursive: true });
        await build(target);
      }
      return (await import(pathToFileURL(join(target, 'main.mjs')).href)).main;
    } catch {
      // No esbuild (or no writable cache): run the sources as they are.
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return (await import('../cli/main.ts')).main;
}

const main = await loadMain();
await main();
