/** The CLI's region list is the SDK's: a region the SDK knows is never refused as made up. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { KNOWN_REGIONS } from '#cli/operator/regions.ts';

interface PartitionsInfo {
  partitions: { id: string; regions: Record<string, unknown> }[];
}

/** The partition data inside @aws-sdk/core (not exported, so read from its source). */
function sdkPartitions(): PartitionsInfo {
  const require = createRequire(import.meta.url);
  const source = readFileSync(require.resolve('@aws-sdk/core/client'), 'utf8');
  const start = source.indexOf('const partitionsInfo = ') + 'const partitionsInfo = '.length;
  let depth = 0;
  let end = start;
  for (; end < source.length; end++) {
    if (source[end] === '{') depth++;
    if (source[end] === '}' && --depth === 0) break;
  }
  return JSON.parse(source.slice(start, end + 1)) as PartitionsInfo;
}

describe('KNOWN_REGIONS', () => {
  it('Given the installed AWS SDK, then every partition lists exactly the SDK regions (update regions.ts after an SDK upgrade)', () => {
    const fromSdk = Object.fromEntries(
      sdkPartitions().partitions.map((partition) => [
        partition.id,
        Object.keys(partition.regions)
          .filter((region) => !region.startsWith('aws-'))
          .sort(),
      ]),
    );
    expect(KNOWN_REGIONS).toEqual(fromSdk);
  });
});
