import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importLines, layeringViolations, readSources, type SourceFile } from './import-graph.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const aliases: Record<string, string> = JSON.parse(readFileSync(`${root}package.json`, 'utf8')).imports;
const CHECKED = ['shared', 'functions', 'cli', 'bin'];

const violationsOf = (files: SourceFile[]) =>
  layeringViolations(files.flatMap((file) => importLines(file, aliases)));

describe('layering', () => {
  it('keeps every import of the product code on the right side of its layer', () => {
    expect(violationsOf(readSources(root, CHECKED))).toEqual([]);
  });

  it('reads the imports of every product folder, so an empty tree cannot pass for a clean one', () => {
    const files = readSources(root, CHECKED);
    for (const folder of CHECKED) expect(files.some((file) => file.path.startsWith(`${folder}/`))).toBe(true);
    expect(files.flatMap((file) => importLines(file, aliases)).length).toBeGreaterThan(300);
  });

  it('refuses a file-system, network, SDK or out-of-core import in the policy core', () => {
    const core = (text: string): SourceFile => ({ path: 'shared/policy/compile.ts', text });
    expect(violationsOf([core("import { readFileSync } from 'node:fs';")])).toHaveLength(1);
    expect(violationsOf([core("import { request } from 'node:https';")])).toHaveLength(1);
    expect(violationsOf([core("import type { IAMClient } from '@aws-sdk/client-iam';")])).toHaveLength(1);
    expect(violationsOf([core("import { loadConfig } from '../config.ts';")])).toHaveLength(1);
    expect(violationsOf([core("const fs = await import('node:fs');")])).toHaveLength(1);
    expect(violationsOf([core("import { createHash } from 'node:crypto';\nimport './hash.ts';")])).toEqual(
      [],
    );
  });

  it('refuses product code that reaches into tests or development tooling', () => {
    const handler = (text: string): SourceFile => ({ path: 'functions/reconciler.ts', text });
    expect(violationsOf([handler("import { makeWorld } from '../test/unit/fakes/world.ts';")])).toHaveLength(
      1,
    );
    expect(
      violationsOf([handler("import { startLocalStack } from '#dev/local-aws/stack.ts';")]),
    ).toHaveLength(1);
  });

  it('refuses an adapter importing a use case, and a use case importing an adapter or the SDK', () => {
    const adapter: SourceFile = {
      path: 'shared/aws/notifier.ts',
      text: "import type { FailureNotice } from '#usecases/ports.ts';\nimport { enrollAccount } from '#usecases/enroll.ts';",
    };
    expect(violationsOf([adapter]).map((violation) => violation.specifier)).toEqual(['#usecases/enroll.ts']);
    const useCase = (text: string): SourceFile => ({ path: 'shared/usecases/enroll.ts', text });
    expect(violationsOf([useCase("import { SnsNotifier } from '#aws/notifier.ts';")])).toHaveLength(1);
    expect(violationsOf([useCase("import { IAMClient } from '@aws-sdk/client-iam';")])).toHaveLength(1);
  });

  it('refuses a runtime helper importing a use case or an adapter', () => {
    const helper = (text: string): SourceFile => ({ path: 'shared/runtime/retry.ts', text });
    expect(violationsOf([helper("import { syncAccount } from '../usecases/sync-account.ts';")])).toHaveLength(
      1,
    );
    expect(violationsOf([helper("import { iamRetryStrategy } from '#aws/iam-retry.ts';")])).toHaveLength(1);
  });
});
