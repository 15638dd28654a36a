import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { clientConfigFor, type SharedClientConfig } from './client-config.ts';
import type { CredentialChain } from './credentials.ts';

/** SDK clients acting in one member account with the organization access role. */
export interface MemberClients {
  iam: IAMClient;
  /** EventBridge, CloudTrail and S3 clients live in the partition's IAM events region. */
  events: EventBridgeClient;
  cloudTrail: CloudTrailClient;
  s3: S3Client;
}

export type MemberClientsFor = (accountId: string) => MemberClients;

export interface MemberClientOptions {
  chain: CredentialChain;
  /** Region for the IAM client (IAM is global; any region of the partition resolves its endpoint). */
  region: string;
  iamEventsRegion: string;
  clientConfig?: SharedClientConfig;
}

/**
 * The one place that builds member-account clients. Clients are cached per account for the life of
 * the container; their credential provider goes back to the chain, which refreshes sessions.
 */
export function memberClientFactory(options: MemberClientOptions): MemberClientsFor {
  const cache = new Map<string, MemberClients>();
  return (accountId) => {
    let clients = cache.get(accountId);
    if (!clients) {
      clients = buildMemberClients(options, accountId);
      cache.set(accountId, clients);
    }
    return clients;
  };
}

function buildMemberClients(options: MemberClientOptions, accountId: string): MemberClients {
  const credentials = options.chain.memberProvider(accountId);
  const shared = options.clientConfig;
  const inEventsRegion = clientConfigFor(options.iamEventsRegion, shared, credentials);
  return {
    iam: new IAMClient(clientConfigFor(options.region, shared, credentials)),
    events: new EventBridgeClient(inEventsRegion),
    cloudTrail: new CloudTrailClient(inEventsRegion),
    s3: new S3Client({ ...inEventsRegion, forcePathStyle: shared?.forcePathStyle ?? false }),
  };
}
