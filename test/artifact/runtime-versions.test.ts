/**
 * One answer to "which Node?": the Lambda runtime in serverless.yml, the esbuild target the zips
 * are built for, the runtime of every packaged function, `engines` in package.json and the README
 * all say the same.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../scripts/package.ts';
import type {} from './support/vitest-context.ts';

const read = (file: string) => readFileSync(join(PROJECT_ROOT, file), 'utf8');

interface ServerlessYaml {
  provider: { runtime: string };
  custom: { esbuild: { target: string } };
}

// CloudFormation tags (!Ref, !Sub) are not needed here; logLevel keeps yaml from warning about them.
const serverless = parse(read('serverless.yml'), { logLevel: 'error' }) as ServerlessYaml;
const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
const readme = read('README.md');

describe('Node versions', () => {
  it('builds the bundles for the Node major version of the Lambda runtime', () => {
    const runtimeMajor = /^nodejs(\d+)\.x$/.exec(serverless.provider.runtime)?.[1];

    expect(runtimeMajor, serverless.provider.runtime).toBeDefined();
    expect(serverless.custom.esbuild.target).toBe(`node${runtimeMajor}`);
  });

  it('packages every function on that runtime', () => {
    for (const fn of inject('artifacts').functions)
      expect(fn.runtime, fn.functionName).toBe(serverless.provider.runtime);
  });

  it('states in the README the runtime, the build target and the development versions engines allows', () => {
    const lowest = /^>=(\d+\.\d+)$/.exec(engines)?.[1];
    const runtimeMajor = serverless.provider.runtime.replace(/^nodejs(\d+)\.x$/, '$1');

    expect(lowest, `engines.node ${engines}`).toBeDefined();
    expect(readme).toContain(`Node.js ${lowest}+ or ${runtimeMajor}`);
    expect(readme).toContain(`(\`engines\` in package.json: \`${engines}\`)`);
    expect(readme).toContain(`Lambda's **\`${serverless.provider.runtime}\`** runtime`);
    expect(readme).toContain(`(esbuild target \`${serverless.custom.esbuild.target}\`)`);
  });
});
