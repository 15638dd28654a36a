import {
  isExemptPrincipal,
  isIdentityCenterRolePath,
  type ManagedPolicyDocument,
  permissionSetOfRole,
} from '#policy/index.ts';
import { isAwsError } from '#runtime/aws-errors.ts';
import { mapSettled } from '#runtime/concurrency.ts';
import {
  AwsStepError,
  DerivedBoundaryError,
  errorText,
  PermissionSetStillAssignedError,
  type PrincipalShortOfPolicies,
} from '#shared/errors.ts';
import { type AdditionalAttachments, additionalAttachments } from './additional-attachments.ts';
import { type DerivedPolicies, derivedPoliciesFor } from './derived-policies.ts';
import { boundaryParametersFor, DEFAULT_PRINCIPAL_CONCURRENCY, type FlowContext } from './flow-context.ts';
import type { Principal } from './ports.ts';
import { noticeFor, sendNotice } from './report-failure.ts';

export interface CustomerBoundaryEntry {
  principalArn: string;
  /** The customer's boundary policy (never edited). */
  policyArn: string;
  /** scp-enforce-policy-<hash>: the customer's statements plus our denies, now on the principal. */
  derivedPolicyArn?: string;
}

export interface SweepResult {
  /** ARNs of principals that received our boundary now. */
  attached: string[];
  alreadyBound: number;
  exempt: number;
  /** Principals constrained by a customer boundary; they carry the derived policy. */
  customerBoundaries: CustomerBoundaryEntry[];
  /** ARNs of principals whose customer boundary was replaced by the derived policy now. */
  derivedAttached: string[];
  /** Customer policies whose derived policy was created or rebuilt (either side changed). */
  derivedRewritten: string[];
  /** Customer policies the account record already knew (kept in ScpCustomPolicyList). */
  knownCustomerArns: string[];
  /** ARNs of principals that received an additional policy now. */
  additionalAttached: string[];
  /** Principals holding their quota of attached managed policies, and what they lack. */
  short: PrincipalShortOfPolicies[];
  /**
   * Identity Center roles IAM refused to change (UnmodifiableEntity): they get our boundary through
   * their permission set (identity-center.ts), not here.
   */
  identityCenterRoles: string[];
  failed: { principalArn: string; reason: string; error: unknown }[];
}

export interface SweepOptions {
  /** The scp-enforce-policy document being applied; read from IAM when absent. */
  ourDocument?: ManagedPolicyDocument;
  /** Customer policies from the account record (ScpCustomPolicyList). */
  knownCustomerArns?: readonly string[];
  /** The additional policies every bounded principal must hold beside its boundary. */
  additionalPolicyNames?: readonly string[];
}

/**
 * Gives every non-exempt principal of the account our boundary: a principal without one gets
 * scp-enforce-policy, one with a customer boundary gets the derived policy (customer ∩ ours), and
 * derived policies are rebuilt when either side changed. Each also gets the additional policies it
 * lacks, beside whichever boundary it carries. Nothing is ever detached here.
 */
export async function attachBoundaryToAllPrincipals(
  ctx: FlowContext,
  accountId: string,
  policyArn: string,
  options: SweepOptions = {},
): Promise<SweepResult> {
  const { iam } = ctx.ports;
  const params = boundaryParametersFor(ctx.settings, accountId);
  const known = [...(options.knownCustomerArns ?? [])];
  const ours = async () => options.ourDocument ?? (await iam.readBoundaryPolicy(accountId))?.document;
  const derived = derivedPoliciesFor(ctx, accountId, ours, known);
  const result: SweepResult = {
    attached: [],
    alreadyBound: 0,
    exempt: 0,
    customerBoundaries: [],
    derivedAttached: [],
    derivedRewritten: derived.rewritten,
    knownCustomerArns: known,
    additionalAttached: [],
    short: [],
    identityCenterRoles: [],
    failed: [],
  };
  const extras = await additionalAttachments(ctx, accountId, options.additionalPolicyNames ?? []);
  const principals = await iam.listPrincipals(accountId);
  const candidates = principals.filter((principal) => !isExemptPrincipal(principal, params));
  result.exempt = principals.length - candidates.length;
  const outcomes = await mapSettled(
    candidates,
    ctx.principalConcurrency ?? DEFAULT_PRINCIPAL_CONCURRENCY,
    (principal) => bindPrincipal(ctx, accountId, principal, { policyArn, derived, extras, result }),
  );
  outcomes.forEach((outcome, index) => {
    if (!outcome.ok) {
      const { error } = outcome;
      result.failed.push({ principalArn: candidates[index]?.arn ?? '', reason: errorText(error), error });
    }
  });
  return result;
}

interface BindTarget {
  policyArn: string;
  derived: DerivedPolicies;
  extras: AdditionalAttachments;
  result: SweepResult;
}

/** The boundary first, so a principal never holds less than it; then the additional policies. */
async function bindPrincipal(
  ctx: FlowContext,
  accountId: string,
  principal: Principal,
  target: BindTarget,
): Promise<void> {
  let boundaryFailure: { error: unknown } | undefined;
  try {
    if (!(await bindBoundary(ctx, accountId, principal, target))) return; // deleted since listed
  } catch (error) {
    if (isIdentityCenterRolePath(principal) && isAwsError(error, 'UnmodifiableEntity')) {
      // IAM attaches nothing to it either: only its permission set can bound it.
      target.result.identityCenterRoles.push(principal.arn);
      return;
    }
    boundaryFailure = { error };
  }
  // They only deny: a principal whose boundary could not be settled still gets them.
  const { attached, missing } = await target.extras.complete(principal);
  if (attached.length > 0) target.result.additionalAttached.push(principal.arn);
  if (missing.length > 0) target.result.short.push({ principalArn: principal.arn, missing });
  if (boundaryFailure) throw boundaryFailure.error;
}

/** False when the principal no longer exists. */
async function bindBoundary(
  ctx: FlowContext,
  accountId: string,
  principal: Principal,
  { policyArn, derived, result }: BindTarget,
): Promise<boolean> {
  const { iam } = ctx.ports;
  const state = await iam.readPrincipal(accountId, principal);
  if (!state) return false;
  const current = state.boundaryArn;
  if (current === policyArn) {
    result.alreadyBound++;
  } else if (current === undefined) {
    await iam.attachBoundary(accountId, principal, policyArn);
    result.attached.push(state.arn);
  } else if (derived.isDerived(current)) {
    const customer = derived.customerOf(current);
    // A derived policy the record does not know still carries our denies; nothing to rebuild from.
    if (!customer) {
      ctx.log.warn('derived boundary not in the account record', { accountId, principal: state.arn });
      result.alreadyBound++;
      return true;
    }
    const derivedArn = await derived.ensure(customer);
    result.customerBoundaries.push({
      principalArn: state.arn,
      policyArn: customer,
      derivedPolicyArn: derivedArn,
    });
  } else {
    // Recorded before deriving: if that fails, the record still names the customer policy.
    const entry: CustomerBoundaryEntry = { principalArn: state.arn, policyArn: current };
    result.customerBoundaries.push(entry);
    try {
      entry.derivedPolicyArn = await derived.ensure(current);
    } catch (error) {
      if (!(error instanceof DerivedBoundaryError)) throw error;
      // Never the customer's boundary alone: ours replaces it until the two can be combined.
      await iam.attachBoundary(accountId, principal, policyArn);
      result.attached.push(state.arn);
      await sendNotice(ctx, {
        ...noticeFor(error, { step: 'derive-boundary', accountId }),
        details: [`${state.arn} now carries ${policyArn} instead of ${current}`],
      });
      return true;
    }
    await iam.attachBoundary(accountId, principal, entry.derivedPolicyArn);
    result.derivedAttached.push(state.arn);
  }
  return true;
}

/**
 * Undoes enrollment on every principal: our boundary is detached, a derived one is replaced by the
 * customer's own boundary again. A derived boundary whose customer policy is unknown stays (the
 * stricter state) and fails the step, naming the principal.
 */
export async function detachBoundaryFromAllPrincipals(
  ctx: FlowContext,
  accountId: string,
  policyArn: string,
  knownCustomerArns: readonly string[] = [],
): Promise<number> {
  const { iam } = ctx.ports;
  const derived = derivedPoliciesFor(ctx, accountId, async () => undefined, knownCustomerArns);
  const principals = await iam.listPrincipals(accountId);
  // Before anything is detached: the account keeps all of its boundaries or loses none.
  await refuseWhileIdentityCenterBound(ctx, accountId, principals, policyArn);
  const outcomes = await mapSettled(
    principals,
    ctx.principalConcurrency ?? DEFAULT_PRINCIPAL_CONCURRENCY,
    async (principal) => {
      const state = await iam.readPrincipal(accountId, principal);
      if (state?.boundaryArn === policyArn) {
        await iam.detachBoundary(accountId, principal);
        return 1;
      }
      if (!derived.isDerived(state?.boundaryArn)) return 0;
      const customer = derived.customerOf(state?.boundaryArn ?? '');
      if (!customer) {
        throw new DerivedBoundaryError(
          state?.boundaryArn ?? '',
          `${state?.arn} carries it but the account record does not name its customer policy; restore that principal's boundary by hand`,
        );
      }
      await iam.attachBoundary(accountId, principal, customer);
      return 1;
    },
  );
  const failure = outcomes.find((outcome) => !outcome.ok);
  if (failure && !failure.ok) throw new AwsStepError('detach-boundaries', failure.error);
  return outcomes.reduce((sum, outcome) => sum + (outcome.ok ? outcome.value : 0), 0);
}

/**
 * An Identity Center role carrying our boundary got it from its permission set, and only Identity
 * Center may take it off (the path is reliable: IAM lets nobody else create a role under it).
 */
async function refuseWhileIdentityCenterBound(
  ctx: FlowContext,
  accountId: string,
  principals: readonly Principal[],
  policyArn: string,
): Promise<void> {
  for (const principal of principals.filter(isIdentityCenterRolePath)) {
    const state = await ctx.ports.iam.readPrincipal(accountId, principal);
    if (state?.boundaryArn === policyArn)
      throw new PermissionSetStillAssignedError(state.arn, permissionSetOfRole(state.name));
  }
}

/** Customer boundary ARNs for the record's ScpCustomPolicyList: known and found, unique and sorted. */
export function customerBoundaryArns(sweep: SweepResult): string[] {
  return [
    ...new Set([...sweep.knownCustomerArns, ...sweep.customerBoundaries.map((entry) => entry.policyArn)]),
  ].sort();
}

export function sweepFailureError(sweep: SweepResult): AwsStepError | undefined {
  const first = sweep.failed[0];
  if (!first) return undefined;
  return new AwsStepError(
    'attach-boundaries',
    first.error,
    `${sweep.failed.length} principal(s) not updated, first ${first.principalArn}: ${first.reason}`,
  );
}
