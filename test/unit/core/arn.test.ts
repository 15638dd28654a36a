import { describe, expect, it } from 'vitest';
import {
  accountOfArn,
  arnSegments,
  formatArn,
  iamPolicyArn,
  iamRoleArn,
  parseArn,
  parseRoleSessionArn,
  resourceNameOf,
  s3BucketArn,
} from '#policy/arn.ts';

describe('ARNs', () => {
  it('builds IAM, S3 and regional ARNs in the partition given', () => {
    expect(iamPolicyArn('aws-cn', '111122223333', 'scp-enforce-policy')).toBe(
      'arn:aws-cn:iam::111122223333:policy/scp-enforce-policy',
    );
    expect(iamRoleArn('aws', '111122223333', 'deploy', '/ci/')).toBe(
      'arn:aws:iam::111122223333:role/ci/deploy',
    );
    expect(s3BucketArn('aws-us-gov', 'scp-trail-bucket-1')).toBe('arn:aws-us-gov:s3:::scp-trail-bucket-1');
  });

  it('reads back what it builds, keeping colons inside the resource', () => {
    const parts = {
      partition: 'aws-cn',
      service: 'lambda',
      region: 'cn-north-1',
      accountId: '111122223333',
      resource: 'function:scp-alt-prod-reconciler:live',
    };
    expect(parseArn(formatArn(parts))).toEqual(parts);
    expect(arnSegments('arn:aws:s3:::bucket/a:b')).toEqual(['arn', 'aws', 's3', '', '', 'bucket/a:b']);
  });

  it('refuses text that is not an ARN', () => {
    for (const text of ['*', 'arn:aws:iam::1', 'role/x', 'arn::iam::1:role/x', 'urn:aws:iam::1:role/x'])
      expect(parseArn(text)).toBeUndefined();
    expect(accountOfArn('*')).toBeUndefined();
  });

  it('names the account, the resource and the role of a role session', () => {
    expect(accountOfArn('arn:aws:iam::111122223333:user/jane')).toBe('111122223333');
    expect(resourceNameOf('arn:aws:iam::111122223333:role/path/app')).toBe('app');
    expect(parseRoleSessionArn('arn:aws-cn:sts::111122223333:assumed-role/Admin/jane@example.com')).toEqual({
      partition: 'aws-cn',
      accountId: '111122223333',
      roleName: 'Admin',
      sessionName: 'jane@example.com',
    });
    expect(parseRoleSessionArn('arn:aws:iam::111122223333:role/Admin')).toBeUndefined();
  });
});
