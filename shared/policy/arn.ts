/**
 * Building and reading ARNs: `arn:partition:service:region:account:resource`, where the resource
 * part may itself hold colons. Every ARN scp-alt builds or splits goes through here; nothing here
 * knows which partition we run in.
 */
export interface ArnParts {
  partition: string;
  service: string;
  /** Empty for global services (IAM, STS) and S3 buckets. */
  region: string;
  /** Empty for S3 buckets. */
  accountId: string;
  /** e.g. 'role/path/name', 'policy/scp-enforce-policy', 'function:name', 'bucket/key'. */
  resource: string;
}

export function formatArn(parts: ArnParts): string {
  return `arn:${parts.partition}:${parts.service}:${parts.region}:${parts.accountId}:${parts.resource}`;
}

/** The parts of an ARN, or undefined when the text is not one. */
export function parseArn(text: string): ArnParts | undefined {
  const segments = arnSegments(text);
  if (segments === undefined || segments[0] !== 'arn') return undefined;
  const [, partition = '', service = '', region = '', accountId = '', resource = ''] = segments;
  if (partition === '' || service === '') return undefined;
  return { partition, service, region, accountId, resource };
}

/**
 * The six colon-separated segments ('arn', partition, service, region, account, resource), the
 * last keeping its own colons; undefined with fewer than six. Patterns (`arn:aws:s3:::*`) split
 * the same way, which is what ArnLike compares segment by segment.
 */
export function arnSegments(text: string): string[] | undefined {
  const parts = text.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

export function iamRoleArn(partition: string, accountId: string, roleName: string, path = '/'): string {
  return formatArn({ partition, service: 'iam', region: '', accountId, resource: `role${path}${roleName}` });
}

export function iamPolicyArn(partition: string, accountId: string, policyName: string): string {
  return formatArn({ partition, service: 'iam', region: '', accountId, resource: `policy/${policyName}` });
}

/** The account itself as a principal (`…:root`). */
export function accountRootArn(partition: string, accountId: string): string {
  return formatArn({ partition, service: 'iam', region: '', accountId, resource: 'root' });
}

export function s3BucketArn(partition: string, bucket: string): string {
  return formatArn({ partition, service: 's3', region: '', accountId: '', resource: bucket });
}

/** An ARN of a resource owned by an account in one region (`service:region:account:resource`). */
export function regionalArn(
  partition: string,
  service: string,
  region: string,
  accountId: string,
  resource: string,
): string {
  return formatArn({ partition, service, region, accountId, resource });
}

/** The name after the last '/' of an ARN's resource: a policy, role or user name. */
export function resourceNameOf(arn: string): string {
  const resource = parseArn(arn)?.resource ?? arn;
  return resource.slice(resource.lastIndexOf('/') + 1);
}

export function accountOfArn(arn: string): string | undefined {
  return parseArn(arn)?.accountId || undefined;
}

export interface RoleSession {
  partition: string;
  accountId: string;
  roleName: string;
  sessionName: string;
}

/** `arn:P:sts::A:assumed-role/R/S` → its parts; undefined for any other ARN. */
export function parseRoleSessionArn(arn: string): RoleSession | undefined {
  const parts = parseArn(arn);
  if (parts?.service !== 'sts') return undefined;
  const match = /^assumed-role\/([^/]+)\/(.+)$/.exec(parts.resource);
  if (!match?.[1] || !match[2]) return undefined;
  return {
    partition: parts.partition,
    accountId: parts.accountId,
    roleName: match[1],
    sessionName: match[2],
  };
}
