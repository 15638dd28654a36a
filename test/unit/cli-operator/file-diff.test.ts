/** A folder or a few files against the bucket, file by file, without copying anything. */
import { describe, expect, it } from 'vitest';
import { directorySnapshot } from '#cli/operator/directory-snapshot.ts';
import { combinedSnapshot, diffPolicyFiles } from '#cli/operator/file-diff.ts';
import { policyFolder } from './helpers.ts';

const allowAll = { Effect: 'Allow', Action: '*', Resource: '*' };
const denyS3 = { Sid: 'DenyS3', Effect: 'Deny', Action: 's3:*', Resource: '*' };
const denyBilling = { Sid: 'DenyBilling', Effect: 'Deny', Action: 'aws-portal:*', Resource: '*' };
const doc = (...statements: unknown[]) => ({ Version: '2012-10-17', Statement: statements });

// Stands in for the bucket: the same PolicySnapshot interface the S3 store is read through.
const bucket = directorySnapshot(
  policyFolder({
    'r-ab12.json': doc(allowAll),
    'ou-ab12-11111111.json': doc(allowAll, denyS3),
    'account-111122223333.json': doc(allowAll),
  }),
);

describe('diffPolicyFiles', () => {
  it('Given a folder that replaces the bucket, then new, changed and missing files are reported with statement changes; reformatting is no change', async () => {
    const folder = directorySnapshot(
      policyFolder({
        'r-ab12.json': JSON.stringify(doc(allowAll)), // same content, other formatting
        'ou-ab12-11111111.json': doc(allowAll, denyBilling),
        'ou-ab12-22222222.json': doc(allowAll),
      }),
    );
    const changes = await diffPolicyFiles(bucket, folder, 'replace');
    expect(changes.map((change) => [change.key, change.change])).toEqual([
      ['permission-boundary-policy/account-111122223333.json', 'removed'],
      ['permission-boundary-policy/ou-ab12-11111111.json', 'changed'],
      ['permission-boundary-policy/ou-ab12-22222222.json', 'added'],
    ]);
    expect(changes[1]?.statements).toMatchObject({ added: [denyBilling], removed: [denyS3] });
  });

  it('Given single files over the bucket, then only they are compared and the rest of the bucket stays', async () => {
    const files = directorySnapshot(
      `ou-ab12-11111111=${policyFolder({ 'x.json': doc(allowAll, denyBilling) })}/x.json`,
    );
    const changes = await diffPolicyFiles(bucket, files, 'overlay');
    expect(changes.map((change) => [change.key, change.change])).toEqual([
      ['permission-boundary-policy/ou-ab12-11111111.json', 'changed'],
    ]);
    const combined = combinedSnapshot(bucket, files, 'overlay');
    expect((await combined.objects()).map((object) => object.key)).toEqual([
      'permission-boundary-policy/account-111122223333.json',
      'permission-boundary-policy/ou-ab12-11111111.json',
      'permission-boundary-policy/r-ab12.json',
    ]);
    expect(
      JSON.parse((await combined.read('permission-boundary-policy/ou-ab12-11111111.json'))?.body ?? ''),
    ).toEqual(doc(allowAll, denyBilling));
  });
});
