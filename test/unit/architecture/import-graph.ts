/**
 * The import lines of the code base, resolved to repository paths, and the layering rules they
 * must keep (README, Code layout). Reading import lines is enough: every dependency in this code
 * base is a static `import`/`export … from` or a dynamic `import('…')` with a literal specifier.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

export interface SourceFile {
  /** Repository-relative, with forward slashes, e.g. 'shared/policy/compile.ts'. */
  path: string;
  text: string;
}

export interface ImportLine {
  from: string;
  specifier: string;
  /** Repository path for relative and `#alias/` specifiers; undefined for packages and node: builtins. */
  target: string | undefined;
  /** `import type …` / `export type …`: erased from the JavaScript, so nothing is loaded at run time. */
  typeOnly: boolean;
}

export interface Violation {
  rule: string;
  from: string;
  specifier: string;
}

const IMPORT_PATTERN =
  /(?:\bimport|\bexport)\s+(type\s+)?(?:[^'"`;]*?\sfrom\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

export function importLines(file: SourceFile, aliases: Record<string, string>): ImportLine[] {
  const lines: ImportLine[] = [];
  for (const match of stripComments(file.text).matchAll(IMPORT_PATTERN)) {
    const specifier = match[2] ?? match[3] ?? '';
    lines.push({
      from: file.path,
      specifier,
      target: resolveTarget(file.path, specifier, aliases),
      typeOnly: match[1] !== undefined,
    });
  }
  return lines;
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

/** `#policy/*` → `./shared/policy/*` as package.json `imports` declares it. */
function resolveTarget(from: string, specifier: string, aliases: Record<string, string>): string | undefined {
  if (specifier.startsWith('.')) return posix.normalize(posix.join(posix.dirname(from), specifier));
  for (const [alias, target] of Object.entries(aliases)) {
    const prefix = alias.replace(/\*$/, '');
    if (specifier.startsWith(prefix)) {
      return posix.normalize(target.replace(/\*$/, '') + specifier.slice(prefix.length));
    }
  }
  return undefined;
}

const within = (path: string | undefined, folder: string) => path?.startsWith(`${folder}/`) ?? false;
const isSdk = (specifier: string) => /^@aws-sdk\/|^@smithy\//.test(specifier);

/** Node built-ins the pure core may use: hashing only. */
const CORE_BUILTINS = new Set(['node:crypto']);
const PRODUCT = ['shared', 'functions', 'cli', 'bin'];
const NOT_PRODUCT = ['test', 'dev', 'bench', 'scripts'];
const PORTS = 'shared/usecases/ports.ts';

type Rule = { name: string; applies: (from: string) => boolean; breaks: (line: ImportLine) => boolean };

export const LAYERING_RULES: Rule[] = [
  {
    name: 'the core (shared/policy) imports only itself and node:crypto',
    applies: (from) => within(from, 'shared/policy'),
    breaks: (line) =>
      line.target === undefined ? !CORE_BUILTINS.has(line.specifier) : !within(line.target, 'shared/policy'),
  },
  {
    name: 'product code imports nothing from tests, development tooling, benchmarks or scripts',
    applies: (from) => PRODUCT.some((folder) => within(from, folder)),
    breaks: (line) => NOT_PRODUCT.some((folder) => within(line.target, folder)),
  },
  {
    name: 'adapters (shared/aws) import no use case, only the ports',
    applies: (from) => within(from, 'shared/aws'),
    breaks: (line) => within(line.target, 'shared/usecases') && line.target !== PORTS,
  },
  {
    name: 'runtime helpers (shared/runtime) import no use case, no adapter and no SDK',
    applies: (from) => within(from, 'shared/runtime'),
    breaks: (line) =>
      within(line.target, 'shared/usecases') ||
      within(line.target, 'shared/aws') ||
      line.target === 'shared/wiring.ts' ||
      isSdk(line.specifier),
  },
  {
    name: 'use cases (shared/usecases) import no adapter and no SDK',
    applies: (from) => within(from, 'shared/usecases'),
    breaks: (line) =>
      within(line.target, 'shared/aws') || line.target === 'shared/wiring.ts' || isSdk(line.specifier),
  },
];

export function layeringViolations(lines: ImportLine[]): Violation[] {
  return LAYERING_RULES.flatMap((rule) =>
    lines
      .filter((line) => rule.applies(line.from) && rule.breaks(line))
      .map((line) => ({ rule: rule.name, from: line.from, specifier: line.specifier })),
  );
}

/** The npm package a bare specifier loads: '@aws-sdk/client-iam' of '@aws-sdk/client-iam/dist', 'tsx' of 'tsx/esm/api'. */
export function packageOf(line: ImportLine): string | undefined {
  if (line.target !== undefined || line.specifier.startsWith('node:') || line.specifier.startsWith('#'))
    return undefined;
  const parts = line.specifier.split('/');
  return line.specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Every .ts/.js/.mjs file under the given folders (node_modules excluded). */
export function readSources(root: string, folders: string[]): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(root, relative), { withFileTypes: true })) {
      const path = posix.join(relative, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(path);
      } else if (/\.(ts|js|mjs)$/.test(entry.name)) {
        files.push({ path, text: readFileSync(join(root, path), 'utf8') });
      }
    }
  };
  for (const folder of folders) walk(folder);
  return files;
}
