/** The events the local stack emits where moto emits none: their shape and who gets them. */
import { describe, expect, it } from 'vitest';
import { cloudTrailRecord } from '#dev/local-aws/proxy/cloudtrail-record.ts';
import type { AwsCall } from '#dev/local-aws/proxy/fidelity.ts';
import { deleteMarkerOf, queuesNotifiedOf } from '#dev/local-aws/proxy/s3-delete-markers.ts';

const ROLE_SESSION = {
  account: '699577738721',
  principalArn: 'arn:aws-cn:iam::699577738721:role/OrganizationAccountAccessRole',
  sessionName: 'administrator',
};

function iamCall(operation: string, params: Record<string, string>): AwsCall {
  return {
    info: {
      service: 'iam',
      region: 'cn-northwest-1',
      accessKeyId: 'ASIAEXAMPLE',
      protocol: 'query',
      operation,
      params: new URLSearchParams({ Action: operation, Version: '2010-05-08', ...params }),
    },
    caller: ROLE_SESSION,
    partition: 'aws-cn',
    body: Buffer.from(''),
  };
}

const answer = (status: number, body: string) => ({ status, headers: {}, body: Buffer.from(body) });
const NOW = new Date('2026-12-02T06:50:38.384Z');

describe('CloudTrail record of an IAM call', () => {
  it('Given a CreateRole by a role session, then the record names the session, the parameters and the created role, in the IAM events region', () => {
    const created = answer(
      200,
      '<CreateRoleResponse><CreateRoleResult><Role><Path>/</Path><RoleName>reporting-job</RoleName><RoleId>AROAEXAMPLE</RoleId><Arn>arn:aws-cn:iam::699577738721:role/reporting-job</Arn><CreateDate>2026-12-02T06:50:38Z</CreateDate></Role></CreateRoleResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></CreateRoleResponse>',
    );
    const record = cloudTrailRecord({
      call: iamCall('CreateRole', { RoleName: 'reporting-job', 'Tags.member.1.Key': 'team' }),
      answer: created,
      userAgent: 'aws-cli/1.45',
      now: NOW,
    });
    expect(record).toMatchObject({
      eventSource: 'iam.amazonaws.com',
      eventName: 'CreateRole',
      awsRegion: 'cn-north-1',
      eventTime: '2026-12-02T06:50:38Z',
      recipientAccountId: '699577738721',
      requestParameters: { roleName: 'reporting-job' },
      responseElements: {
        role: { roleName: 'reporting-job', arn: 'arn:aws-cn:iam::699577738721:role/reporting-job' },
      },
      requestID: 'req-1',
      readOnly: false,
      eventType: 'AwsApiCall',
      userIdentity: {
        type: 'AssumedRole',
        arn: 'arn:aws-cn:sts::699577738721:assumed-role/OrganizationAccountAccessRole/administrator',
        sessionContext: {
          sessionIssuer: { arn: ROLE_SESSION.principalArn, userName: 'OrganizationAccountAccessRole' },
        },
      },
    });
    expect(record).not.toHaveProperty('errorCode');
    expect(Object.keys(record?.requestParameters as object)).toEqual(['roleName']);
  });

  it('Given a refused call, then the record carries errorCode and errorMessage and no response', () => {
    const refused = answer(
      409,
      '<ErrorResponse><Error><Type>Sender</Type><Code>EntityAlreadyExists</Code><Message>Role with name x already exists.</Message></Error></ErrorResponse>',
    );
    const record = cloudTrailRecord({
      call: iamCall('CreateRole', { RoleName: 'x' }),
      answer: refused,
      userAgent: undefined,
      now: NOW,
    });
    expect(record).toMatchObject({
      errorCode: 'EntityAlreadyExists',
      errorMessage: 'Role with name x already exists.',
      responseElements: null,
    });
  });

  it('Given a read (Get, List), then there is no event: EventBridge gets only calls that change something', () => {
    for (const operation of ['GetRole', 'ListRoles', 'GenerateCredentialReport', 'SimulatePrincipalPolicy'])
      expect(
        cloudTrailRecord({
          call: iamCall(operation, {}),
          answer: answer(200, ''),
          userAgent: undefined,
          now: NOW,
        }),
      ).toBeUndefined();
  });
});

describe('S3 delete-marker notifications', () => {
  const deleted = {
    status: 204,
    headers: { 'x-amz-delete-marker': 'true', 'x-amz-version-id': 'v-9' },
    body: Buffer.from(''),
  };

  it('Given a DeleteObject that left a delete marker, then bucket, decoded key and marker version are read from it', () => {
    const url = new URL('http://127.0.0.1/scp-alt-1/permission-boundary-policy/ou-a%20b.json');
    expect(deleteMarkerOf('DELETE', url, deleted)).toEqual({
      bucket: 'scp-alt-1',
      key: 'permission-boundary-policy/ou-a b.json',
      versionId: 'v-9',
    });
  });

  it('Given a delete of one version, or a delete that left no marker, then S3 sends no DeleteMarkerCreated', () => {
    const versioned = new URL('http://127.0.0.1/scp-alt-1/k.json?versionId=v-1');
    expect(deleteMarkerOf('DELETE', versioned, deleted)).toBeUndefined();
    const plain = { ...deleted, headers: {} };
    expect(deleteMarkerOf('DELETE', new URL('http://127.0.0.1/scp-alt-1/k.json'), plain)).toBeUndefined();
  });

  it('Given the bucket notification configuration, then only queues whose events and key filters match are notified', () => {
    const queue = (id: string, event: string, rules: string) =>
      `<QueueConfiguration><Id>${id}</Id><Queue>arn:aws-cn:sqs:cn-north-1:111122223333:${id}</Queue><Event>${event}</Event><Filter><S3Key>${rules}</S3Key></Filter></QueueConfiguration>`;
    const rule = (name: string, value: string) =>
      `<FilterRule><Name>${name}</Name><Value>${value}</Value></FilterRule>`;
    const xml = `<NotificationConfiguration>${[
      queue(
        'all-removed',
        's3:ObjectRemoved:*',
        rule('prefix', 'permission-boundary-policy/') + rule('Suffix', '.json'),
      ),
      queue('markers', 's3:ObjectRemoved:DeleteMarkerCreated', ''),
      queue('created-only', 's3:ObjectCreated:*', ''),
      queue('other-prefix', 's3:ObjectRemoved:*', rule('prefix', 'elsewhere/')),
    ].join('')}</NotificationConfiguration>`;
    expect(
      queuesNotifiedOf(xml, 'permission-boundary-policy/r-ab12.json').map((q) => q.configurationId),
    ).toEqual(['all-removed', 'markers']);
    expect(
      queuesNotifiedOf(xml, 'permission-boundary-policy/readme.txt').map((q) => q.configurationId),
    ).toEqual(['markers']);
  });
});
