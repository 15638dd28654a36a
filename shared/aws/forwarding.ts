import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { iamRoleArn } from '#policy/arn.ts';
import { forwardedEventPattern } from '#policy/iam-event-names.ts';
import { isAwsError, NO_SUCH_ENTITY } from '#runtime/aws-errors.ts';
import type { ForwardingOptions, ForwardingPort } from '#usecases/ports.ts';
import type { MemberClientsFor } from './member-clients.ts';
import { checkNamedTrails, ensureTrail, removeTrail, type TrailNames } from './trail.ts';

export interface ForwardingAdapterOptions {
  clientsFor: MemberClientsFor;
  partition: string;
  iamEventsRegion: string;
  /** The security account's bus that receives the forwarded events. */
  eventBusArn: string;
  ruleName?: string;
  roleName?: string;
  trailName?: string;
  /** The trail bucket is `<prefix><account id>`. */
  trailBucketPrefix?: string;
}

const TARGET_ID = 'scp-alt-security-bus';
const ROLE_POLICY_NAME = 'scp-alt-forward-to-security-bus';
/**
 * Marks the rule as enrollment's own. The StackSets template (member-forwarding.yaml) creates a
 * rule of the same name with another description; in such an account the forwarding (rule, role
 * and the template's trail) is CloudFormation's: enrollment neither rewrites nor deletes it.
 */
export const ENROLLMENT_RULE_DESCRIPTION =
  'scp-alt: forward IAM principal creation and boundary tampering to the security account';

/** Event rule + role (+ optional trail) in the member account; every step is idempotent. */
export class ForwardingAdapter implements ForwardingPort {
  private readonly ruleName: string;
  private readonly roleName: string;

  constructor(private readonly options: ForwardingAdapterOptions) {
    this.ruleName = options.ruleName ?? 'scp-event-rule';
    this.roleName = options.roleName ?? 'scp-event-rule';
  }

  async ensureForwarding(
    accountId: string,
    { createCloudTrail, protectedTrails = [] }: ForwardingOptions,
  ): Promise<void> {
    const clients = this.options.clientsFor(accountId);
    // Before anything is created: a trail that cannot carry the events makes the rest pointless.
    if (!createCloudTrail && protectedTrails.length > 0)
      await checkNamedTrails(clients, { accountId, region: this.options.iamEventsRegion }, protectedTrails);
    if ((await this.ruleOwner(accountId)) === 'others') return;
    const roleArn = await this.ensureRole(accountId);
    await clients.events.send(
      new PutRuleCommand({
        Name: this.ruleName,
        EventPattern: JSON.stringify(forwardedEventPattern()),
        State: 'ENABLED',
        Description: ENROLLMENT_RULE_DESCRIPTION,
      }),
    );
    await clients.events.send(
      new PutTargetsCommand({
        Rule: this.ruleName,
        Targets: [{ Id: TARGET_ID, Arn: this.options.eventBusArn, RoleArn: roleArn }],
      }),
    );
    if (createCloudTrail) await ensureTrail(clients, this.trailNames(accountId));
  }

  async removeForwarding(accountId: string, { createCloudTrail }: ForwardingOptions): Promise<void> {
    const clients = this.options.clientsFor(accountId);
    if ((await this.ruleOwner(accountId)) === 'others') return;
    await ignoring(['ResourceNotFoundException'], () =>
      clients.events.send(new RemoveTargetsCommand({ Rule: this.ruleName, Ids: [TARGET_ID] })),
    );
    await ignoring(['ResourceNotFoundException'], () =>
      clients.events.send(new DeleteRuleCommand({ Name: this.ruleName })),
    );
    await ignoring([NO_SUCH_ENTITY], () =>
      clients.iam.send(
        new DeleteRolePolicyCommand({ RoleName: this.roleName, PolicyName: ROLE_POLICY_NAME }),
      ),
    );
    await ignoring([NO_SUCH_ENTITY], () =>
      clients.iam.send(new DeleteRoleCommand({ RoleName: this.roleName })),
    );
    if (createCloudTrail) await removeTrail(clients, this.trailNames(accountId));
  }

  /** Whose rule `scp-event-rule` is: nobody's yet, enrollment's, or others' (a StackSet's). */
  private async ruleOwner(accountId: string): Promise<'none' | 'enrollment' | 'others'> {
    const { events } = this.options.clientsFor(accountId);
    try {
      const rule = await events.send(new DescribeRuleCommand({ Name: this.ruleName }));
      return rule.Description === ENROLLMENT_RULE_DESCRIPTION ? 'enrollment' : 'others';
    } catch (error) {
      if (isAwsError(error, 'ResourceNotFoundException')) return 'none';
      throw error;
    }
  }

  private async ensureRole(accountId: string): Promise<string> {
    const { iam } = this.options.clientsFor(accountId);
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    });
    try {
      await iam.send(
        new CreateRoleCommand({
          RoleName: this.roleName,
          AssumeRolePolicyDocument: trust,
          Description: 'scp-alt: lets EventBridge forward IAM events to the security account bus',
        }),
      );
    } catch (error) {
      if (!isAwsError(error, 'EntityAlreadyExists')) throw error;
      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: this.roleName, PolicyDocument: trust }));
    }
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: this.roleName,
        PolicyName: ROLE_POLICY_NAME,
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: this.options.eventBusArn }],
        }),
      }),
    );
    return iamRoleArn(this.options.partition, accountId, this.roleName);
  }

  private trailNames(accountId: string): TrailNames {
    return {
      partition: this.options.partition,
      region: this.options.iamEventsRegion,
      accountId,
      trailName: this.options.trailName ?? 'scp-trail',
      bucketName: `${this.options.trailBucketPrefix ?? 'scp-trail-bucket-'}${accountId}`,
    };
  }
}

async function ignoring(errorNames: string[], call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!isAwsError(error, ...errorNames)) throw error;
  }
}
