/**
 * Types of the request evaluator (evaluate.ts). Types only; the evaluator answers "would IAM allow
 * this request under these policies, and which statement decided it" for `scp-alt simulate`.
 */
import type { PolicyStatement, StringOrList } from './types.ts';

/** Context values as IAM sees them: a single value or a multi-valued key. */
export type ContextValue = string | string[];

export interface EvaluationRequest {
  /** e.g. 's3:GetObject' */
  action: string;
  /** Resource ARN, or '*' for actions that take no resource. */
  resource: string;
  /** Caller: IAM user ARN, role ARN or role session (assumed-role) ARN. */
  principalArn: string;
  /** Account that owns the resource (compared with the caller's account for the same-account rules). */
  accountId: string;
  /** Request context keys such as aws:RequestedRegion; key names are case-insensitive. */
  context: Record<string, ContextValue>;
}

/** The AWS/Service/Federated/CanonicalUser map of a Principal element, or the bare wildcard. */
export type PrincipalElement =
  | '*'
  | Partial<Record<'AWS' | 'Service' | 'Federated' | 'CanonicalUser', StringOrList>>;

/** A statement of any policy type; only resource policies carry Principal / NotPrincipal. */
export interface EvaluatedStatement extends PolicyStatement {
  Principal?: PrincipalElement;
  NotPrincipal?: PrincipalElement;
}

/** A policy with the name used when it decides a request (a file key or policy name). */
export interface NamedPolicy {
  source: string;
  document: { Version?: string; Statement: EvaluatedStatement | EvaluatedStatement[] };
}

/** One level of the SCP chain (root, OU, account) and the policies attached to it. */
export interface ScpChainLevel {
  level: string;
  policies: NamedPolicy[];
}

export interface PolicySet {
  /** Root first; an empty chain applies no SCP restriction. */
  scpChain: ScpChainLevel[];
  permissionsBoundary?: NamedPolicy;
  identityPolicies: NamedPolicy[];
  resourcePolicy?: NamedPolicy;
}

export type Decision = 'Allowed' | 'ExplicitDeny' | 'ImplicitDeny';

/** Where a deciding statement sits: `index` counts statements of its policy from 0. */
export interface DecidingStatement {
  source: string;
  sid?: string;
  index: number;
  /** SCP level target when the statement is part of the SCP chain. */
  level?: string;
}

/** The policy type that denied a request (for implicit denies there is no statement to name). */
export type EvaluationStage = 'scp' | 'resource' | 'identity' | 'boundary';

export interface EvaluationResult {
  decision: Decision;
  /** The Deny that matched, or the Allow that granted; undefined for an implicit deny. */
  deciding: DecidingStatement | undefined;
  /** For denials: the policy type that denied (for an SCP implicit deny see `scpLevel`). */
  deniedBy?: EvaluationStage;
  /** For an SCP implicit deny: the first level where no Allow matched. */
  scpLevel?: string;
}
