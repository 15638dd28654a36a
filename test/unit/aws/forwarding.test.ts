import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { type DescribeRuleCommandOutput, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ENROLLMENT_RULE_DESCRIPTION, ForwardingAdapter } from '#aws/forwarding.ts';
import type { MemberClients } from '#aws/member-clients.ts';
import { awsError, type Responder, type SdkCall, stubSdk } from '../fakes/sdk-stub.ts';

const ACCOUNT = '111111111111';
const BUS = 'arn:aws-cn:events:cn-north-1:999999999999:event-bus/scp-alt';

/** `DescribeRule` answers with a rule, so it is typed by its own output; every other call answers `{}`. */
function forwardingWith({
  DescribeRule,
  ...others
}: Record<string, Responder | Responder<DescribeRuleCommandOutput>>) {
  const calls: SdkCall[] = [];
  const clients: MemberClients = {
    iam: new IAMClient({ region: 'cn-north-1' }),
    events: new EventBridgeClient({ region: 'cn-north-1' }),
    cloudTrail: new CloudTrailClient({ region: 'cn-north-1' }),
    s3: new S3Client({ region: 'cn-north-1' }),
  };
  const plain = others as Record<string, Responder>;
  stubSdk(clients.iam, plain, calls);
  stubSdk(clients.cloudTrail, plain, calls);
  stubSdk(clients.s3, plain, calls);
  stubSdk(clients.events, DescribeRule ? { ...plain, DescribeRule } : plain, calls);
  const adapter = new ForwardingAdapter({
    clientsFor: () => clients,
    partition: 'aws-cn',
    iamEventsRegion: 'cn-north-1',
    eventBusArn: BUS,
  });
  return { adapter, calls };
}

const ok = () => ({});
const noRule = () => {
  throw awsError('ResourceNotFoundException');
};
const enrollmentRule = () => ({ Name: 'scp-event-rule', Description: ENROLLMENT_RULE_DESCRIPTION });
// What CloudFormation leaves after deploying templates/member-forwarding.yaml through StackSets.
const stackSetRule = () => ({
  Name: 'scp-event-rule',
  Description: 'Managed by CloudFormation StackSets (scp-alt member-forwarding.yaml)',
});

describe('ForwardingAdapter', () => {
  it('creates the role, a rule for both CloudTrail detail types and the bus target using that role', async () => {
    const { adapter, calls } = forwardingWith({
      DescribeRule: noRule,
      CreateRole: ok,
      PutRolePolicy: ok,
      PutRule: ok,
      PutTargets: ok,
    });
    await adapter.ensureForwarding(ACCOUNT, { createCloudTrail: false });
    const byCommand = Object.fromEntries(calls.map((call) => [call.command, call.input]));
    const pattern = JSON.parse(String(byCommand.PutRule?.EventPattern));
    expect(pattern['detail-type']).toEqual(['AWS API Call via CloudTrail', 'Amazon API Call via CloudTrail']);
    expect(pattern.detail.eventName).toEqual(
      expect.arrayContaining(['CreateUser', 'CreateRole', 'DeleteRolePermissionsBoundary']),
    );
    const rolePolicy = JSON.parse(String(byCommand.PutRolePolicy?.PolicyDocument));
    expect(rolePolicy.Statement).toEqual([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: BUS }]);
    expect(byCommand.PutTargets?.Targets).toEqual([
      { Id: 'scp-alt-security-bus', Arn: BUS, RoleArn: `arn:aws-cn:iam::${ACCOUNT}:role/scp-event-rule` },
    ]);
    expect(calls.some((call) => call.command === 'CreateTrail')).toBe(false);
  });

  it('is idempotent: an existing role gets its trust policy updated, an existing trail updated', async () => {
    const { adapter, calls } = forwardingWith({
      DescribeRule: enrollmentRule,
      CreateRole: () => {
        throw awsError('EntityAlreadyExistsException');
      },
      UpdateAssumeRolePolicy: ok,
      PutRolePolicy: ok,
      PutRule: ok,
      PutTargets: ok,
      CreateBucket: () => {
        throw awsError('BucketAlreadyOwnedByYou');
      },
      PutPublicAccessBlock: ok,
      PutBucketPolicy: ok,
      CreateTrail: () => {
        throw awsError('TrailAlreadyExistsException');
      },
      UpdateTrail: ok,
      StartLogging: ok,
    });
    await adapter.ensureForwarding(ACCOUNT, { createCloudTrail: true });
    expect(calls.map((call) => call.command)).toEqual(
      expect.arrayContaining(['UpdateAssumeRolePolicy', 'UpdateTrail', 'StartLogging']),
    );
    const bucketPolicy = JSON.parse(
      String(calls.find((call) => call.command === 'PutBucketPolicy')?.input.Policy),
    );
    expect(bucketPolicy.Statement[1].Resource).toBe(
      `arn:aws-cn:s3:::scp-trail-bucket-${ACCOUNT}/AWSLogs/${ACCOUNT}/*`,
    );
  });

  it('tears down what exists and ignores what is already gone', async () => {
    const gone = (name: string) => () => {
      throw awsError(name);
    };
    const { adapter, calls } = forwardingWith({
      DescribeRule: enrollmentRule,
      RemoveTargets: gone('ResourceNotFoundException'),
      DeleteRule: gone('ResourceNotFoundException'),
      DeleteRolePolicy: ok,
      DeleteRole: ok,
      DeleteTrail: gone('TrailNotFoundException'),
    });
    await expect(adapter.removeForwarding(ACCOUNT, { createCloudTrail: true })).resolves.toBeUndefined();
    expect(calls.map((call) => call.command)).toEqual([
      'DescribeRule',
      'RemoveTargets',
      'DeleteRule',
      'DeleteRolePolicy',
      'DeleteRole',
      'DeleteTrail',
    ]);
  });

  it('Given a rule the StackSets template created, when an account is enrolled, then enrollment leaves the rule, its role and the trail to CloudFormation', async () => {
    const { adapter, calls } = forwardingWith({ DescribeRule: stackSetRule });
    await adapter.ensureForwarding(ACCOUNT, { createCloudTrail: true });
    expect(calls.map((call) => call.command)).toEqual(['DescribeRule']);
  });

  it('Given a rule the StackSets template created, when the account is deregistered, then nothing of the StackSet is deleted', async () => {
    const { adapter, calls } = forwardingWith({ DescribeRule: stackSetRule });
    await adapter.removeForwarding(ACCOUNT, { createCloudTrail: true });
    expect(calls.map((call) => call.command)).toEqual(['DescribeRule']);
  });

  it('Given no rule at all (a half-finished enrollment), when deregistered, then the role it may have left is still removed', async () => {
    const gone = (name: string) => () => {
      throw awsError(name);
    };
    const { adapter, calls } = forwardingWith({
      DescribeRule: noRule,
      RemoveTargets: gone('ResourceNotFoundException'),
      DeleteRule: gone('ResourceNotFoundException'),
      DeleteRolePolicy: ok,
      DeleteRole: ok,
    });
    await adapter.removeForwarding(ACCOUNT, { createCloudTrail: false });
    expect(calls.map((call) => call.command)).toContain('DeleteRole');
  });
});
