import { DynamoAccountStore } from './aws/account-store.ts';
import { SqsAccountWorkQueue } from './aws/account-work-queue.ts';
import { clientConfigFor, type SharedClientConfig } from './aws/client-config.ts';
import type { RegionalComputeReader } from './aws/compute-clients.ts';
import { CredentialChain } from './aws/credentials.ts';
import { ForwardingAdapter } from './aws/forwarding.ts';
import { BoundaryIamAdapter } from './aws/iam-boundary.ts';
import { IdentityCenterAdapter } from './aws/identity-center.ts';
import { type MemberClientsFor, memberClientFactory } from './aws/member-clients.ts';
import { MemberInventoryAdapter } from './aws/member-inventory.ts';
import { SnsNotifier } from './aws/notifier.ts';
import { OrganizationAdapter } from './aws/organization.ts';
import { DynamoOrganizationViewStore } from './aws/organization-view-store.ts';
import { S3PolicyStore } from './aws/policy-store.ts';
import { sourceIdentityTrustMender } from './aws/source-identity-trust.ts';
import type { AppConfig } from './config.ts';
import { defaultBoundaryParameters } from './policy/index.ts';
import { partitionInfo } from './policy/partition.ts';
import { systemClock } from './runtime/clock.ts';
import type { Sleep } from './runtime/retry.ts';
import type { FlowContext } from './usecases/flow-context.ts';
import type { Log, ScpAltPorts } from './usecases/ports.ts';

export interface WiringOptions {
  /** Short function name, used in the STS session name `scp-alt-<functionName>`. */
  functionName: string;
  /** Endpoint / static credentials for a local stack; nothing in production. */
  clientConfig?: SharedClientConfig;
  /** Replaces the eventual-consistency backoff wait (tests). */
  sleep?: Sleep;
  /** Reads member accounts' functions and stacks; given only where compute is reported (reconciler). */
  computeReader?: RegionalComputeReader;
  /**
   * Lets the role chain add the source-identity statement to an organization access role that
   * lacks it (credentials.ts): for the callers that enroll accounts.
   */
  mendsMemberTrust?: boolean;
}

export interface Wiring {
  ports: ScpAltPorts;
  chain: CredentialChain;
  clientsFor: MemberClientsFor;
}

/** Builds every adapter from the configuration; called once per container. */
export function buildPorts(config: AppConfig, options: WiringOptions): Wiring {
  const { clientConfig, sleep } = options;
  const shared = clientConfig ? { clientConfig } : {};
  const names = defaultBoundaryParameters({
    partition: config.partition,
    accountId: config.securityAccountId,
  });
  const accounts = new DynamoAccountStore({ table: config.accountsTable, region: config.region, ...shared });
  const chain = new CredentialChain({
    partition: config.partition,
    region: config.region,
    managementAccountId: config.managementAccountId,
    managementRoleName: config.managementRoleName,
    managementRoleExternalId: config.managementRoleExternalId,
    organizationAccessRoleName: config.organizationAccessRoleName,
    managementAccountEnrollable: config.managementAccount.enrollable,
    standaloneRoleName: config.standaloneRoleName,
    standaloneAccountIds: config.standaloneAccountIds,
    // The record says whether an account is standalone: read once per session of the account.
    standaloneExternalId: async (accountId) => {
      const record = await accounts.get(accountId);
      return record?.externalId;
    },
    functionName: options.functionName,
    ...shared,
    ...(sleep ? { sleep } : {}),
    ...(options.mendsMemberTrust
      ? {
          addSourceIdentityTrust: sourceIdentityTrustMender({
            region: config.region,
            organizationAccessRoleName: config.organizationAccessRoleName,
            ...shared,
          }),
        }
      : {}),
  });
  const clientsFor = memberClientFactory({
    chain,
    region: config.region,
    iamEventsRegion: config.iamEventsRegion,
    ...shared,
  });
  const ports: ScpAltPorts = {
    iam: new BoundaryIamAdapter({
      iamClientFor: (accountId) => clientsFor(accountId).iam,
      partition: config.partition,
      policyName: names.policyName,
      ...(sleep ? { retry: { sleep } } : {}),
    }),
    policyStore: new S3PolicyStore({ bucket: config.policyBucket, region: config.region, ...shared }),
    organization: new OrganizationAdapter({
      chain,
      region: partitionInfo(config.partition).organizationsRegion,
      ...shared,
    }),
    accounts,
    organizationView: new DynamoOrganizationViewStore({
      table: config.accountsTable,
      region: config.region,
      ...shared,
    }),
    notifier: new SnsNotifier({ topicArn: config.failureTopicArn, region: config.region, ...shared }),
    forwarding: new ForwardingAdapter({
      clientsFor,
      partition: config.partition,
      iamEventsRegion: config.iamEventsRegion,
      eventBusArn: config.eventBusArn,
      ruleName: names.eventRuleName,
      roleName: names.eventRoleName,
      trailName: names.trailName,
    }),
    inventory: new MemberInventoryAdapter({
      clientsFor,
      regionalConfig: (accountId, region) =>
        clientConfigFor(region, clientConfig, chain.memberProvider(accountId)),
      computeReader: options.computeReader,
    }),
    ...(config.identityCenterRegion
      ? {
          identityCenter: new IdentityCenterAdapter({
            chain,
            region: config.identityCenterRegion,
            ...shared,
            ...(sleep ? { sleep } : {}),
          }),
        }
      : {}),
    ...(config.accountWorkQueue
      ? {
          accountWork: new SqsAccountWorkQueue({
            queueUrl: config.accountWorkQueue.url,
            deadLetterQueueUrl: config.accountWorkQueue.deadLetterUrl,
            region: config.region,
            ...shared,
          }),
        }
      : {}),
  };
  return { ports, chain, clientsFor };
}

export function flowContextFor(config: AppConfig, ports: ScpAltPorts, log: Log): FlowContext {
  return { ports, settings: config, log, now: systemClock };
}
