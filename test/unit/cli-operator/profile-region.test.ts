/** `--profile` alone is enough when the profile names a region, as with the AWS CLI. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { regionOf } from '#cli/operator/aws-options.ts';
import { withProfileRegion } from '#cli/operator/session.ts';

const saved = { config: process.env.AWS_CONFIG_FILE, region: process.env.AWS_REGION };

function sharedConfig(text: string): void {
  const file = join(mkdtempSync(join(tmpdir(), 'scp-alt-aws-config-')), 'config');
  writeFileSync(file, text);
  process.env.AWS_CONFIG_FILE = file;
  delete process.env.AWS_REGION;
}

afterEach(() => {
  for (const [name, value] of [
    ['AWS_CONFIG_FILE', saved.config],
    ['AWS_REGION', saved.region],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('withProfileRegion', () => {
  it('Given --profile whose shared config names a region and no --region, Then that region is used', async () => {
    sharedConfig('[profile china-ops]\nregion = cn-northwest-1\n');
    const values = await withProfileRegion({ profile: 'china-ops' }, {});
    expect(regionOf(values, {})).toBe('cn-northwest-1');
  });

  it('Given --region, Then the profile is not consulted', async () => {
    sharedConfig('[profile china-ops]\nregion = cn-northwest-1\n');
    const values = await withProfileRegion({ profile: 'china-ops', region: 'cn-north-1' }, {});
    expect(regionOf(values, {})).toBe('cn-north-1');
  });

  it('Given a profile without a region, Then the usage error says how to give one', async () => {
    sharedConfig('[profile bare]\noutput = json\n');
    const values = await withProfileRegion({ profile: 'bare' }, {});
    expect(() => regionOf(values, {})).toThrow(/no region: pass --region, set AWS_REGION, or use a profile/);
  });
});
