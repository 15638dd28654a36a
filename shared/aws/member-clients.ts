import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import type { MetadataBearer, MiddlewareStack } from '@smithy/types';
import { isExpiredSession } from '#runtime/aws-errors.ts';
import { clientConfigFor, type SharedClientConfig } from './client-config.ts';
import type { CredentialChain } from './credentials.ts';
import { iamRetryStrategy } from './iam-retry.ts';

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
 * the container; their credential provider goes back to the chain, which refreshes sessions. When
 * AWS refuses a session as expired (earlier than its stated expiry, e.g. after a role's sessions
 * were revoked), the account's clients and session are dropped, so the next attempt starts fresh:
 * the SDK memoises credentials inside each client until shortly before their stated expiry.
 */
export function memberClientFactory(options: MemberClientOptions): MemberClientsFor {
  const cache = new Map<string, MemberClients>();
  const forget = (accountId: string) => {
    cache.delete(accountId);
    options.chain.forgetMember(accountId);
  };
  return (accountId) => {
    let clients = cache.get(accountId);
    if (!clients) {
      clients = buildMemberClients(options, accountId);
      for (const client of Object.values(clients) as { middlewareStack: ClientStack }[]) {
        forgetSessionOnExpiry(client.middlewareStack, () => forget(accountId));
      }
      cache.set(accountId, clients);
    }
    return clients;
  };
}

type ClientStack = MiddlewareStack<object, MetadataBearer>;

function forgetSessionOnExpiry(stack: ClientStack, forget: () => void): void {
  stack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (isExpiredSession(error)) forget();
        throw error;
      }
    },
    { step: 'initialize', name: 'scpAltForgetExpiredSession' },
  );
}

function buildMemberClients(options: MemberClientOptions, accountId: string): MemberClients {
  const credentials = options.chain.memberProvider(accountId);
  const shared = options.clientConfig;
  const inEventsRegion = clientConfigFor(options.iamEventsRegion, shared, credentials);
  const iamConfig = clientConfigFor(options.region, shared, credentials);
  return {
    iam: new IAMClient({
      ...iamConfig,
      retryStrategy: iamRetryStrategy(iamConfig.maxAttempts),
    }),
    events: new EventBridgeClient(inEventsRegion),
    cloudTrail: new CloudTrailClient(inEventsRegion),
    s3: new S3Client({ ...inEventsRegion, forcePathStyle: shared?.forcePathStyle ?? false }),
  };
}
