import {
  GetObjectCommand,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  S3Client,
} from '@aws-sdk/client-s3';
import { POLICY_PREFIX } from '#policy/types.ts';
import { isAwsError } from '#runtime/aws-errors.ts';
import type { PolicyObjectSummary, PolicyStorePort, StoredPolicy } from '#usecases/ports.ts';
import { type AdapterClientOptions, clientConfigFor } from './client-config.ts';

export interface PolicyStoreOptions extends AdapterClientOptions<S3Client> {
  bucket: string;
  region: string;
}

/** S3's version id of objects written while versioning was never enabled. */
const NULL_VERSION = 'null';

/**
 * The policy bucket of the security account, read with the function's own role. The bucket is
 * versioned: the listing names each file's current version, and a read asks for that version, so
 * what is compiled is exactly what was listed, whatever is uploaded in between.
 */
export class S3PolicyStore implements PolicyStorePort {
  private readonly s3: S3Client;

  constructor(private readonly options: PolicyStoreOptions) {
    this.s3 =
      options.client ??
      new S3Client({
        ...clientConfigFor(options.region, options.clientConfig),
        forcePathStyle: options.clientConfig?.forcePathStyle ?? false,
      });
  }

  async listPolicyObjects(): Promise<PolicyObjectSummary[]> {
    const objects: PolicyObjectSummary[] = [];
    for await (const page of this.versionPages()) {
      // A file whose newest entry is a delete marker has no current version: it is not listed.
      for (const version of page.Versions ?? []) {
        if (!version.IsLatest || !version.Key || version.Key.endsWith('/')) continue;
        const summary: PolicyObjectSummary = { key: version.Key, etag: version.ETag ?? '' };
        if (version.VersionId && version.VersionId !== NULL_VERSION) summary.versionId = version.VersionId;
        objects.push(summary);
      }
    }
    return objects;
  }

  /** ListObjectVersions has no SDK paginator: its pages continue from a key and version marker. */
  private async *versionPages(): AsyncGenerator<ListObjectVersionsCommandOutput> {
    let markers: { KeyMarker?: string; VersionIdMarker?: string } = {};
    for (;;) {
      const page = await this.s3.send(
        new ListObjectVersionsCommand({ Bucket: this.options.bucket, Prefix: POLICY_PREFIX, ...markers }),
      );
      yield page;
      if (!page.IsTruncated) return;
      markers = {
        ...(page.NextKeyMarker ? { KeyMarker: page.NextKeyMarker } : {}),
        ...(page.NextVersionIdMarker ? { VersionIdMarker: page.NextVersionIdMarker } : {}),
      };
    }
  }

  async readPolicy(key: string, versionId?: string): Promise<StoredPolicy | undefined> {
    try {
      const output = await this.s3.send(
        new GetObjectCommand({
          Bucket: this.options.bucket,
          Key: key,
          ...(versionId && versionId !== NULL_VERSION ? { VersionId: versionId } : {}),
        }),
      );
      const body = (await output.Body?.transformToString('utf-8')) ?? '';
      const stored: StoredPolicy = { key, body, etag: output.ETag ?? '' };
      if (output.VersionId && output.VersionId !== NULL_VERSION) stored.versionId = output.VersionId;
      return stored;
    } catch (error) {
      // The version listed may have been deleted for good since: as if the file were gone.
      if (isAwsError(error, 'NoSuchKey', 'NoSuchVersion', 'NotFound')) return undefined;
      throw error;
    }
  }
}
