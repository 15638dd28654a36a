import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importLines, packageOf, readSources } from './import-graph.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const manifest = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
  imports: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const everything = readSources(root, [
  'shared',
  'functions',
  'cli',
  'bin',
  'dev',
  'scripts',
  'bench',
  'test',
]).flatMap((file) => importLines(file, manifest.imports));
const configFiles = ['vitest.config.ts'].flatMap((path) =>
  importLines({ path, text: readFileSync(`${root}${path}`, 'utf8') }, manifest.imports),
);
/** What the Lambda bundles load: the handlers and everything under shared/ they reach. */
const bundled = everything.filter((line) => /^(shared|functions)\//.test(line.from) && !line.typeOnly);

const declared = (name: string) =>
  name in manifest.dependencies ||
  name in manifest.devDependencies ||
  `@types/${name}` in manifest.devDependencies;

describe('dependencies', () => {
  it('declares every package the code imports', () => {
    const undeclared = [...everything, ...configFiles]
      .map((line) => ({ name: packageOf(line), from: line.from }))
      .filter(
        (entry): entry is { name: string; from: string } => entry.name !== undefined && !declared(entry.name),
      );
    expect(undeclared).toEqual([]);
  });

  it('keeps as runtime dependencies exactly the packages the functions load', () => {
    const loaded = new Set(bundled.flatMap((line) => packageOf(line) ?? []));
    expect(Object.keys(manifest.dependencies).filter((name) => !loaded.has(name))).toEqual([]);
    expect([...loaded].filter((name) => !(name in manifest.dependencies))).toEqual([]);
  });

  it('uses every import alias, and reaches the repository folders through them rather than ../../../', () => {
    for (const alias of Object.keys(manifest.imports)) {
      const prefix = alias.replace(/\*$/, '');
      expect(everything.some((line) => line.specifier.startsWith(prefix))).toBe(true);
    }
    // The manifest itself is read where it is (no alias names the repository root).
    const deep = everything.filter(
      (line) => line.specifier.startsWith('../../../') && !line.specifier.endsWith('/package.json'),
    );
    expect(deep.map((line) => line.from)).toEqual([]);
  });
});
