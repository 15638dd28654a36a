/** Types shared by the local AWS stack, its proxy, its control client and the tests that use them. */

/** Services the local stack serves (all on one endpoint). */
export const LOCAL_SERVICES = [
  'iam',
  'sts',
  'organizations',
  's3',
  'dynamodb',
  'sns',
  'sqs',
  'events',
  'servicecatalog',
  'cloudformation',
  'lambda',
  'cloudtrail',
] as const;
export type LocalService = (typeof LOCAL_SERVICES)[number];

/**
 * What `npm run -s local-stack` prints and what global setup provides to test files: plain JSON, so it
 * crosses process boundaries. One URL per service (all point at the fidelity proxy), the proxy's
 * control URL, moto's own URL (bypasses the proxy), the management account and the region.
 */
export type LocalStackInfo = Record<LocalService, string> & {
  control: string;
  moto: string;
  account: string;
  region: string;
};

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Which calls a rule applies to; an absent field matches every value. */
export interface CallFilter {
  /** Signing name of the service, e.g. `iam`, `sts`, `dynamodb`, `s3`. */
  service?: string;
  /** API operation, e.g. `CreatePolicyVersion`, `PutItem` (S3: best-effort name such as `PutObject`). */
  operation?: string;
  /** 12-digit account the caller's credentials belong to. */
  account?: string;
  /**
   * 12-digit account the call acts in: the caller's, except for `sts:AssumeRole`, where it is the
   * account of the role assumed. So a fault can hit one member account's hop of the role chain,
   * whose AssumeRole the management session makes.
   */
  targetAccount?: string;
}

/** Fail the next `count` matching calls with the given AWS error (rendered in the service's protocol). */
export interface FaultSpec extends CallFilter {
  code: string;
  count: number;
  /** HTTP status; default 400 (S3: 500 for `InternalError`-like codes is up to the caller). */
  status?: number;
  message?: string;
}

/** Token bucket per account and service: `burst` calls at once, refilled at `ratePerSecond`. */
export interface ThrottleSpec {
  service?: string;
  account?: string;
  targetAccount?: string;
  ratePerSecond: number;
  burst: number;
}

/** Delay every matching call by `ms` before it reaches moto (the largest matching delay wins). */
export interface LatencySpec extends CallFilter {
  ms: number;
}

/**
 * Calls seen by the proxy, per service, operation and account. `calls` includes refused ones and is
 * counted once a call has passed its latency; `arrived` counts on arrival, so a call held by a
 * latency rule is already seen there.
 */
export interface CallCount {
  service: string;
  operation: string;
  account: string;
  targetAccount: string;
  arrived: number;
  calls: number;
  throttled: number;
  faulted: number;
}

/** One operation a role session made (ProxyControl.sessionAudit). */
export interface AuditedCall {
  sessionName: string;
  principalArn: string;
  /** `service:Operation` as the proxy names it (S3 REST calls by their API name). */
  operation: string;
}

/** Which recorded IAM calls to read (ProxyControl.cloudTrailRecords); an absent field matches all. */
export interface CloudTrailRecordFilter {
  /** The account the call was made in (recipientAccountId). */
  account?: string;
  eventName?: string;
}

/** An IAM call as CloudTrail records it (the `detail` of an "AWS API Call via CloudTrail" event). */
export interface CloudTrailRecord {
  eventVersion: string;
  userIdentity: {
    type: 'AssumedRole' | 'IAMUser' | 'Root';
    arn: string;
    accountId: string;
    sessionContext?: {
      sessionIssuer: { type: 'Role'; arn: string; accountId: string; userName: string };
      sourceIdentity?: string;
    };
  };
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  requestParameters: Record<string, string> | null;
  responseElements: null;
  errorCode?: string;
  errorMessage?: string;
  requestID: string;
  eventID: string;
  readOnly: boolean;
  eventType: string;
  managementEvent: boolean;
  recipientAccountId: string;
  eventCategory: string;
}

/** Events AWS emits that moto does not; the proxy emits them when switched on (see event-emulation.ts). */
export interface EmulationSwitches {
  cloudTrail: boolean;
  s3DeleteMarkers: boolean;
}

export interface EmulationStatus extends EmulationSwitches {
  /** Events whose delivery has not finished yet. */
  pending: number;
  delivered: number;
  failed: number;
}
