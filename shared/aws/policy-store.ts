import { GetObjectCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { POLICY_PREFIX } from '#policy/types.ts';
import { isAwsError } from '#runtime/aws-errors.ts';
import type { PolicyObjectSummary, PolicyStorePort, StoredPolicy } from '#usecases/ports.ts';
import { type AdapterClientOptions, clientConfigFor } from './client-config.ts';

export interface PolicyStoreOptions extends AdapterClientOptions<S3Client> {
  bucket: string;
  region: string;
}

/** The policy bucket of the security account, read with the function's own role. */
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
    const pages = paginateListObjectsV2(
      { client: this.s3 },
      { Bucket: this.options.bucket, Prefix: POLICY_PREFIX },
    );
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        if (object.Key && !object.Key.endsWith('/'))
          objects.push({ key: object.Key, etag: object.ETag ?? '' });
      }
    }
    return objects;
  }

  async readPolicy(key: string): Promise<StoredPolicy | undefined> {
    try {
      const output = await this.s3.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
      const body = (await output.Body?.transformToString('utf-8')) ?? '';
      const stored: StoredPolicy = { key, body, etag: output.ETag ?? '' };
      if (output.VersionId && output.VersionId !== 'null') stored.versionId = output.VersionId;
      return stored;
    } catch (error) {
      if (isAwsError(error, 'NoSuchKey', 'NotFound')) return undefined;
      throw error;
    }
  }
}
