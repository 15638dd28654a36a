import type { IAMClientConfig } from '@aws-sdk/client-iam';
import { SDK_RETRY_CONFIG } from '#runtime/retry.ts';

export type CredentialsConfig = IAMClientConfig['credentials'];

/**
 * Settings applied to every SDK client scp-alt builds. Production passes nothing; a local stack
 * passes its endpoint and static credentials. `credentials` only ever applies to clients acting as
 * the function itself: clients acting in the management or member accounts always use the
 * assumed-role credentials of the chain.
 */
export interface SharedClientConfig {
  endpoint?: string;
  credentials?: CredentialsConfig;
  /** Applied to S3 clients only (local stacks serve buckets by path). */
  forcePathStyle?: boolean;
  maxAttempts?: number;
}

/** Options every adapter accepts: a ready client (tests), or config to build one. */
export interface AdapterClientOptions<Client> {
  client?: Client;
  clientConfig?: SharedClientConfig;
}

export interface BuiltClientConfig {
  region: string;
  retryMode: 'standard';
  maxAttempts: number;
  endpoint?: string;
  credentials?: CredentialsConfig;
}

export function clientConfigFor(
  region: string,
  shared: SharedClientConfig = {},
  credentials: CredentialsConfig = shared.credentials,
): BuiltClientConfig {
  const config: BuiltClientConfig = {
    region,
    retryMode: SDK_RETRY_CONFIG.retryMode,
    maxAttempts: shared.maxAttempts ?? SDK_RETRY_CONFIG.maxAttempts,
  };
  if (shared.endpoint) config.endpoint = shared.endpoint;
  if (credentials) config.credentials = credentials;
  return config;
}
