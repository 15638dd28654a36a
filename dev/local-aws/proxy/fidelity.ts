import type { ProxyResponse } from './aws-errors.ts';
import type { Caller, CallerDirectory } from './identity.ts';
import type { IdentityCenterOverlay } from './identity-center.ts';
import type { MembershipOverlay } from './organizations-membership.ts';
import type { RequestInfo } from './request-info.ts';

/** One AWS call as the fidelity rules see it. */
export interface AwsCall {
  info: RequestInfo;
  caller: Caller;
  partition: string;
  body: Buffer;
}

/** State and addresses the rules share; everything here is cleared on reset. */
export interface FidelityContext {
  motoUrl: string;
  callers: CallerDirectory;
  /** Permission boundaries of IAM users, which moto does not implement: `partition|account|user` → ARN. */
  userBoundaries: Map<string, string>;
  /** Invitations, invited members and departures moto does not model. */
  membership: MembershipOverlay;
  /** Permission set boundaries, provisioning and the roles it made, which moto does not model. */
  identityCenter: IdentityCenterOverlay;
}

/**
 * A rule for one operation: `before` may answer instead of moto (an error, or a full emulation);
 * `after` may rewrite moto's answer or record what it learned from it.
 */
export interface FidelityRule {
  before?(call: AwsCall, context: FidelityContext): Promise<ProxyResponse | undefined>;
  after?(call: AwsCall, response: ProxyResponse, context: FidelityContext): Promise<ProxyResponse>;
}

/** Rules keyed by `<service>:<Operation>`, e.g. `iam:DeletePolicy`. */
export type FidelityRules = Record<string, FidelityRule>;

export function userBoundaryKey(partition: string, account: string, userName: string): string {
  return `${partition}|${account}|${userName}`;
}
