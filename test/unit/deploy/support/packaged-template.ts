import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PACKAGED_TEMPLATE, PROJECT_ROOT, packageService, SERVERLESS_DIR } from '#scripts/package.ts';
import { type CfnTemplate, isTemplate, TEMPLATES_DIR } from './templates.ts';

/**
 * The template osls really produces, not a re-reading of serverless.yml: plugins (per-function
 * roles, esbuild) and osls itself add resources the tests must see. It is rebuilt when missing or
 * older than its sources; test files share one build through a lock directory, because two
 * concurrent osls runs would write the same .serverless/ and .esbuild/ folders.
 */
const TEMPLATE_PATH = join(PROJECT_ROOT, SERVERLESS_DIR, PACKAGED_TEMPLATE);
const LOCK_DIR = join(
  tmpdir(),
  `scp-alt-package-${createHash('sha256').update(PROJECT_ROOT).digest('hex').slice(0, 12)}.lock`,
);
const LOCK_STALE_MS = 10 * 60 * 1000;
const LOCK_WAIT_MS = 8 * 60 * 1000;

/** Upper bound for a beforeAll that may package (osls takes ~15 s, a cold machine longer). */
export const PACKAGING_TIMEOUT_MS = LOCK_WAIT_MS + 60_000;

function templateSources(): string[] {
  const fragments = join(TEMPLATES_DIR, 'security');
  return [
    join(PROJECT_ROOT, 'serverless.yml'),
    ...readdirSync(fragments).map((name) => join(fragments, name)),
  ];
}

function isFresh(): boolean {
  if (!existsSync(TEMPLATE_PATH)) return false;
  const built = statSync(TEMPLATE_PATH).mtimeMs;
  return templateSources().every((source) => statSync(source).mtimeMs <= built);
}

function tryLock(): boolean {
  try {
    mkdirSync(LOCK_DIR);
    return true;
  } catch {
    // A lock left by a killed run must not block every later run.
    const lock = statSync(LOCK_DIR, { throwIfNoEntry: false });
    if (lock && Date.now() - lock.mtimeMs > LOCK_STALE_MS) rmSync(LOCK_DIR, { recursive: true, force: true });
    return false;
  }
}

async function withPackagingLock(work: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  while (!tryLock()) {
    if (Date.now() > deadline) throw new Error(`packaging lock ${LOCK_DIR} held too long`);
    await sleep(500);
  }
  try {
    await work();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

export async function loadPackagedTemplate(): Promise<CfnTemplate> {
  if (!isFresh()) {
    await withPackagingLock(async () => {
      if (!isFresh()) await packageService({ output: 'pipe' });
    });
  }
  const parsed: unknown = JSON.parse(readFileSync(TEMPLATE_PATH, 'utf8'));
  if (!isTemplate(parsed)) throw new Error(`${TEMPLATE_PATH} is not a CloudFormation template`);
  return parsed;
}
