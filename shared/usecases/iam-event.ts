import { resourceNameOf } from '#policy/arn.ts';
import { isDerivedPolicyArn } from '#policy/derived-boundary.ts';
import { DETACH_EVENTS, PRINCIPAL_CREATE_EVENTS } from '#policy/iam-event-names.ts';
import { isAdditionalPolicyName, isExemptPrincipal, isIdentityCenterRolePath } from '#policy/index.ts';
import { isAwsError } from '#runtime/aws-errors.ts';
import { BoundedIdSet, TtlCache } from '#runtime/memory-caches.ts';
import { AttachmentQuotaError, DerivedBoundaryError, errorText } from '#shared/errors.ts';
import { markFailed, updateAccountRecord } from './account-records.ts';
import { policySnapshot } from './compile-account.ts';
import { derivedPoliciesFor } from './derived-policies.ts';
import { boundaryParametersFor, type FlowContext } from './flow-context.ts';
import { failedCallOutcome, precheck } from './iam-event-screening.ts';
import type { AccountRecord, PrincipalKind, PrincipalRef, PrincipalState } from './ports.ts';
import { noticeFor, reportFailure, sendNotice } from './report-failure.ts';
import { syncAccount } from './sync-account.ts';

/** A CloudTrail-recorded IAM call in a member account, as the dispatcher extracted it. */
export interface IamEvent {
  eventId: string;
  eventName: string;
  /** The account the call was made in (detail.recipientAccountId). */
  accountId: string;
  /** `source` of the EventBridge envelope: `aws.iam` for a call CloudTrail recorded. */
  source: string;
  /**
   * `account` of the envelope: the account whose rule forwarded the event. A member forwards only
   * its own calls, so anything else was forged on its way to the security bus.
   */
  senderAccountId: string;
  /** Set when the call failed; failed calls changed nothing. */
  errorCode?: string;
  principal?: PrincipalRef;
  /** policyArn or permissionsBoundary of the request, when it has one. */
  policyArn?: string;
  /** ARN of whoever made the call (detail.userIdentity.arn). */
  actorArn?: string;
  /** SourceIdentity of the caller's session (detail.userIdentity.sessionContext.sourceIdentity). */
  sourceIdentity?: string;
}

/**
 * `derived`: the principal had a customer boundary and now carries customer ∩ ours;
 * `replaced-customer-boundary`: that could not be built (notified), so it carries ours instead:
 * never the customer's alone. `identity-center`: a role Identity Center provisioned, which IAM lets
 * no one change; its permission set carries the boundary (identity-center.ts).
 */
export type PrincipalOutcome =
  | 'already-bound'
  | 'exempt'
  | 'attached'
  | 'derived'
  | 'replaced-customer-boundary'
  | 'identity-center'
  | 'missing';

/** The account's additional policies on one principal: attached now, or lacking (attachment quota). */
export interface AdditionalOutcome {
  attached: string[];
  missing: string[];
}

/**
 * `refused`: the event is not what a member's forwarding rule delivers (reported, nothing touched);
 * `attempt-denied`: a call that would have weakened the boundary failed (reported, nothing to do).
 */
export type IamEventOutcome =
  | { action: 'ignored'; reason: string }
  | { action: 'refused'; reason: string }
  | { action: 'attempt-denied'; errorCode: string }
  /** `additional` is there when the account has additional policies. */
  | { action: 'principal'; outcome: PrincipalOutcome; additional?: AdditionalOutcome }
  | { action: 'tampering'; repaired: boolean }
  | { action: 'derived-rebuilt'; customerPolicyArn: string };

export interface IamEventResponderOptions {
  /** How long an account record (or its absence) is trusted without asking DynamoDB again. */
  recordTtlMs?: number;
  /** How many recent event ids are remembered to drop duplicate deliveries. */
  seenEventCapacity?: number;
}

export type IamEventResponder = (iamEvent: IamEvent) => Promise<IamEventOutcome>;

/**
 * Builds the responder once per container: its caches make a warm CreateRole cost one IAM read
 * when the role already carries our boundary, and a read plus one write when it does not.
 */
export function createIamEventResponder(
  ctx: FlowContext,
  options: IamEventResponderOptions = {},
): IamEventResponder {
  const records = new TtlCache<AccountRecord | undefined>(options.recordTtlMs ?? 60_000, ctx.now);
  const seen = new BoundedIdSet(options.seenEventCapacity ?? 5_000);
  return async (iamEvent) => {
    const screened = precheck(ctx, iamEvent, seen);
    if (screened) return screened;
    const record = await records.getOrLoad(iamEvent.accountId, () =>
      ctx.ports.accounts.get(iamEvent.accountId),
    );
    if (!record || record.status === 'DEREGISTERING')
      return { action: 'ignored', reason: 'account not enrolled' };
    // Forwarding starts only after our policy exists, so events of an enrolling account are acted
    // on; the record is reloaded next time to see the enrollment finish.
    if (record.status === 'ENROLLING') records.forget(iamEvent.accountId);
    if (iamEvent.errorCode) return failedCallOutcome(ctx, iamEvent, iamEvent.errorCode);
    const outcome = (PRINCIPAL_CREATE_EVENTS as readonly string[]).includes(iamEvent.eventName)
      ? await bindNewPrincipal(ctx, iamEvent, record)
      : await respondToPolicyEvent(ctx, iamEvent, record);
    // A new customer policy is now in the record: read it afresh next time.
    if (outcome.action === 'principal' && outcome.outcome === 'derived') records.forget(iamEvent.accountId);
    // Only after success: a failed attempt must be retried, not deduplicated away.
    seen.add(iamEvent.eventId);
    return outcome;
  };
}

async function bindNewPrincipal(
  ctx: FlowContext,
  iamEvent: IamEvent,
  record: AccountRecord,
): Promise<IamEventOutcome> {
  const ref = iamEvent.principal as PrincipalRef;
  const { outcome, state } = await bindBoundary(ctx, iamEvent.accountId, ref, record.customerBoundaryArns);
  // RequireBoundaryOnCreate puts the boundary on at create time, but the additional policies only
  // now: the window between the two is stated in the README.
  const exempt =
    outcome === 'identity-center' ||
    (state && isExemptPrincipal(state, boundaryParametersFor(ctx.settings, iamEvent.accountId)));
  if (!state || exempt || record.additionalPolicies.length === 0) return { action: 'principal', outcome };
  const additional = await ensureAdditionalPolicies(ctx, iamEvent.accountId, state, record);
  return { action: 'principal', outcome, additional };
}

export async function ensureOurBoundary(
  ctx: FlowContext,
  accountId: string,
  ref: PrincipalRef,
  knownCustomerArns: readonly string[] = [],
): Promise<PrincipalOutcome> {
  return (await bindBoundary(ctx, accountId, ref, knownCustomerArns)).outcome;
}

/** The outcome, and the principal as read (undefined when it does not exist). */
async function bindBoundary(
  ctx: FlowContext,
  accountId: string,
  ref: PrincipalRef,
  knownCustomerArns: readonly string[],
): Promise<{ outcome: PrincipalOutcome; state?: PrincipalState }> {
  const { iam } = ctx.ports;
  const policyArn = iam.policyArnFor(accountId);
  const state = await iam.readPrincipal(accountId, ref);
  if (!state) return { outcome: 'missing' };
  if (state.boundaryArn === policyArn) return { outcome: 'already-bound', state };
  if (isExemptPrincipal(state, boundaryParametersFor(ctx.settings, accountId)))
    return { outcome: 'exempt', state };
  try {
    if (state.boundaryArn === undefined) {
      await iam.attachBoundary(accountId, ref, policyArn);
      ctx.log.info('boundary attached to new principal', { accountId, principal: state.arn });
      return { outcome: 'attached', state };
    }
    return { outcome: await combineWithCustomerBoundary(ctx, accountId, state, knownCustomerArns), state };
  } catch (error) {
    if (!(isIdentityCenterRolePath(state) && isAwsError(error, 'UnmodifiableEntity'))) throw error;
    ctx.log.info('Identity Center role: bounded through its permission set', { principal: state.arn });
    return { outcome: 'identity-center', state };
  }
}

/**
 * The additional policies the record names onto the principal: one attach each (attaching one it
 * holds changes nothing), no read. A principal at its quota is reported by name and leaves the
 * account FAILED, so the reconciler tries again once a slot is free.
 */
async function ensureAdditionalPolicies(
  ctx: FlowContext,
  accountId: string,
  principal: PrincipalState,
  record: AccountRecord,
): Promise<AdditionalOutcome> {
  const { iam } = ctx.ports;
  const result: AdditionalOutcome = { attached: [], missing: [] };
  for (const { name } of record.additionalPolicies) {
    const outcome = await iam.attachPolicy(accountId, principal, iam.policyArnFor(accountId, name));
    (outcome === 'attached' ? result.attached : result.missing).push(name);
  }
  if (result.missing.length > 0) {
    const error = new AttachmentQuotaError(accountId, [
      { principalArn: principal.arn, missing: result.missing },
    ]);
    await markFailed(ctx, accountId, `${error.code}: ${errorText(error)}`);
    await reportFailure(ctx, error, { step: 'attach-additional-policies', accountId });
  }
  return result;
}

/** The principal carries someone else's boundary: replace it by customer ∩ ours (never edit theirs). */
async function combineWithCustomerBoundary(
  ctx: FlowContext,
  accountId: string,
  state: PrincipalState,
  knownCustomerArns: readonly string[],
): Promise<PrincipalOutcome> {
  const derived = derivedPoliciesOfDeployed(ctx, accountId, knownCustomerArns);
  const customerArn = state.boundaryArn ?? '';
  if (derived.isDerived(customerArn)) return 'already-bound';
  try {
    const derivedArn = await derived.ensure(customerArn);
    await ctx.ports.iam.attachBoundary(accountId, state, derivedArn);
  } catch (error) {
    if (!(error instanceof DerivedBoundaryError)) throw error;
    // Never the customer's boundary alone: it lacks our denies (a creator exempt from them could
    // have chosen it for that). Ours replaces it until the two can be combined.
    const ours = ctx.ports.iam.policyArnFor(accountId);
    await ctx.ports.iam.attachBoundary(accountId, state, ours);
    await sendNotice(ctx, {
      ...noticeFor(error, { step: 'derive-boundary', accountId }),
      details: [`${state.arn} now carries ${ours} instead of ${customerArn}`],
    });
    ctx.log.warn('customer boundary replaced by ours', { accountId, principal: state.arn, customerArn });
    return 'replaced-customer-boundary';
  }
  await updateAccountRecord(ctx, accountId, (current) =>
    current && !current.customerBoundaryArns.includes(customerArn)
      ? { ...current, customerBoundaryArns: [...current.customerBoundaryArns, customerArn].sort() }
      : undefined,
  );
  ctx.log.info('derived boundary attached to principal', { accountId, principal: state.arn, customerArn });
  return 'derived';
}

/** Derived policies built from the scp-enforce-policy version deployed now (no S3 read). */
function derivedPoliciesOfDeployed(
  ctx: FlowContext,
  accountId: string,
  knownCustomerArns: readonly string[],
) {
  const ours = async () => (await ctx.ports.iam.readBoundaryPolicy(accountId))?.document;
  return derivedPoliciesFor(ctx, accountId, ours, knownCustomerArns);
}

/** A new version or default of a customer policy we combined with ours: rebuild the derived one. */
async function rebuildDerived(
  ctx: FlowContext,
  iamEvent: IamEvent,
  record: AccountRecord,
): Promise<IamEventOutcome> {
  const customerPolicyArn = iamEvent.policyArn ?? '';
  await derivedPoliciesOfDeployed(ctx, iamEvent.accountId, record.customerBoundaryArns).ensure(
    customerPolicyArn,
  );
  return { action: 'derived-rebuilt', customerPolicyArn };
}

async function respondToPolicyEvent(
  ctx: FlowContext,
  iamEvent: IamEvent,
  record: AccountRecord,
): Promise<IamEventOutcome> {
  const editsCustomerPolicy = ['CreatePolicyVersion', 'SetDefaultPolicyVersion'].includes(iamEvent.eventName);
  if (editsCustomerPolicy && iamEvent.policyArn && record.customerBoundaryArns.includes(iamEvent.policyArn)) {
    return rebuildDerived(ctx, iamEvent, record);
  }
  return respondToTampering(ctx, iamEvent, record);
}

/**
 * Someone removed or replaced a boundary, or edited our policy. Only exempt principals can succeed
 * at that; we tell the operator and put our state back where that is safe and cheap.
 */
async function respondToTampering(
  ctx: FlowContext,
  iamEvent: IamEvent,
  record: AccountRecord,
): Promise<IamEventOutcome> {
  const ourPolicy = ctx.ports.iam.policyArnFor(iamEvent.accountId);
  const onOurPolicy = iamEvent.policyArn === ourPolicy || isDerivedPolicyArn(ourPolicy, iamEvent.policyArn);
  if ((DETACH_EVENTS as readonly string[]).includes(iamEvent.eventName))
    return respondToDetach(ctx, iamEvent, record);
  let repaired = false;
  if (
    iamEvent.eventName.startsWith('Delete') &&
    iamEvent.eventName.endsWith('PermissionsBoundary') &&
    iamEvent.principal
  ) {
    const outcome = await ensureOurBoundary(
      ctx,
      iamEvent.accountId,
      iamEvent.principal,
      record.customerBoundaryArns,
    );
    repaired = outcome === 'attached' || outcome === 'derived';
  } else if (iamEvent.eventName.endsWith('PermissionsBoundary')) {
    if (onOurPolicy) return { action: 'ignored', reason: 'our boundary was set' };
  } else if (onOurPolicy) {
    const result = await syncAccount(
      ctx,
      policySnapshot(ctx.ports.policyStore, ctx.now),
      iamEvent.accountId,
      {
        force: true,
      },
    );
    repaired = result.outcome === 'updated';
  } else {
    return { action: 'ignored', reason: 'not our policy' };
  }
  await noticeTampering(ctx, iamEvent, repaired ? 'boundary re-applied' : undefined);
  return { action: 'tampering', repaired };
}

/**
 * One of our additional policies was detached from a principal (only trusted principals can):
 * it goes back on, unless the principal is exempt or the policy is not one the record names.
 */
async function respondToDetach(
  ctx: FlowContext,
  iamEvent: IamEvent,
  record: AccountRecord,
): Promise<IamEventOutcome> {
  const { iam } = ctx.ports;
  const { accountId, policyArn, principal } = iamEvent;
  const base = resourceNameOf(iam.policyArnFor(accountId));
  const name = policyArn === undefined ? '' : resourceNameOf(policyArn);
  if (policyArn !== iam.policyArnFor(accountId, name) || !isAdditionalPolicyName(base, name))
    return { action: 'ignored', reason: 'not our policy' };
  const recorded = record.additionalPolicies.some((extra) => extra.name === name);
  const state = recorded && principal ? await iam.readPrincipal(accountId, principal) : undefined;
  const bounded =
    state !== undefined && !isExemptPrincipal(state, boundaryParametersFor(ctx.settings, accountId));
  const outcome = bounded ? await iam.attachPolicy(accountId, state, policyArn) : undefined;
  const repaired = outcome === 'attached';
  await noticeTampering(ctx, iamEvent, repaired ? `${name} re-attached` : undefined);
  return { action: 'tampering', repaired };
}

async function noticeTampering(
  ctx: FlowContext,
  iamEvent: IamEvent,
  repair: string | undefined,
): Promise<void> {
  await sendNotice(ctx, {
    code: 'TAMPERING_DETECTED',
    step: 'iam-event',
    accountId: iamEvent.accountId,
    reason: `${iamEvent.eventName} by ${iamEvent.actorArn ?? 'unknown principal'}${repair ? `; ${repair}` : ''}`,
    details: [
      `event id: ${iamEvent.eventId}`,
      ...(iamEvent.principal
        ? [`principal: ${principalLabel(iamEvent.principal.kind, iamEvent.principal.name)}`]
        : []),
      ...(iamEvent.policyArn ? [`policy: ${iamEvent.policyArn}`] : []),
    ],
  });
}

function principalLabel(kind: PrincipalKind, name: string): string {
  return `${kind}/${name}`;
}
