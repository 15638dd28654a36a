/**
 * What a command resolved before it failed: region, endpoint, credentials, the deployment's names.
 * Filled as the session opens, so a failure can name the table, region and account it concerned.
 */
import type { SharedClientConfig } from '#aws/client-config.ts';

export interface SessionFacts {
  region?: string;
  /** Where the region came from: '--region', 'AWS_REGION', "profile 'x'"… */
  regionSource?: string;
  endpoint?: string;
  profile?: string;
  /** Where the credentials came from, in words. */
  credentialSource?: string;
  partition?: string;
  securityAccountId?: string;
  /** 'the caller' when derived from the credentials, else the flag or variable. */
  securityAccountSource?: string;
  stage?: string;
  table?: string;
  bucket?: string;
  managementRoleArn?: string;
  /** For follow-up questions after a failure (who am I, which tables exist). */
  clientConfig?: SharedClientConfig;
}

/** A fresh, empty record for one command run. */
export function noFacts(): SessionFacts {
  return {};
}
