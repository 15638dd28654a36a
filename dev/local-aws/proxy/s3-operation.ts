import type { IncomingHttpHeaders } from 'node:http';

// S3 is REST: the operation follows from method, path and sub-resource. This names the common ones
// the way the S3 API does, so counters and faults can target them; the rest get a descriptive name.
const BUCKET_SUBRESOURCES: Record<string, Partial<Record<string, string>>> = {
  notification: { GET: 'GetBucketNotificationConfiguration', PUT: 'PutBucketNotificationConfiguration' },
  versioning: { GET: 'GetBucketVersioning', PUT: 'PutBucketVersioning' },
  versions: { GET: 'ListObjectVersions' },
  delete: { POST: 'DeleteObjects' },
  policy: { GET: 'GetBucketPolicy', PUT: 'PutBucketPolicy', DELETE: 'DeleteBucketPolicy' },
  tagging: { GET: 'GetBucketTagging', PUT: 'PutBucketTagging', DELETE: 'DeleteBucketTagging' },
  uploads: { GET: 'ListMultipartUploads' },
  publicAccessBlock: {
    GET: 'GetPublicAccessBlock',
    PUT: 'PutPublicAccessBlock',
    DELETE: 'DeletePublicAccessBlock',
  },
};

const OBJECT_VERBS: Partial<Record<string, string>> = {
  GET: 'GetObject',
  PUT: 'PutObject',
  DELETE: 'DeleteObject',
  HEAD: 'HeadObject',
};

const BUCKET_VERBS: Partial<Record<string, string>> = {
  PUT: 'CreateBucket',
  DELETE: 'DeleteBucket',
  HEAD: 'HeadBucket',
};

export function s3OperationName(method: string, url: URL, headers: IncomingHttpHeaders): string {
  const [bucket = '', ...keyParts] = url.pathname.split('/').filter((part) => part.length > 0);
  const subresources = [...url.searchParams.keys()];
  if (!bucket) return method === 'GET' ? 'ListBuckets' : `${method}Service`;
  if (keyParts.length > 0) {
    if (subresources.includes('tagging')) return `${capitalize(method)}ObjectTagging`;
    if (method === 'PUT' && headers['x-amz-copy-source']) return 'CopyObject';
    return OBJECT_VERBS[method] ?? `${capitalize(method)}Object`;
  }
  for (const subresource of subresources) {
    const named = BUCKET_SUBRESOURCES[subresource]?.[method];
    if (named) return named;
  }
  if (method === 'GET') return url.searchParams.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
  return BUCKET_VERBS[method] ?? `${capitalize(method)}Bucket`;
}

function capitalize(method: string): string {
  return method.charAt(0) + method.slice(1).toLowerCase();
}
