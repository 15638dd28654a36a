import {
  AccountRefusedError,
  AttachmentQuotaError,
  codeOf,
  errorText,
  inStep,
  type PrincipalShortOfPolicies,
  stepOf,
} from '#shared/errors.ts';
import { markFailed, updateAccountRecord } from './account-records.ts';
import { withAccountRetries } from './account-retry.ts';
import { compileForAccount, policySnapshot } from './compile-account.ts';
import {
  deployedFields,
  droppedAdditionalPolicies,
  removeAdditionalPolicies,
  shortOfPolicies,
  writeCompiledPolicies,
} from './compiled-policies.ts';
import {
  protectedTrailsOf,
  refuseManagementLockout,
  refuseReservedAccount,
  trustWarningsOf,
} from './enrollment-checks.ts';
import type { FlowContext } from './flow-context.ts';
import { governPermissionSetsSafely, type PermissionSetReport } from './identity-center.ts';
import { verifyEnrollmentPlace } from './organization-membership.ts';
import type { AccountRecord, EnrollmentOwner } from './ports.ts';
import {
  attachBoundaryToAllPrincipals,
  type CustomerBoundaryEntry,
  customerBoundaryArns,
  sweepFailureError,
} from './principal-sweep.ts';
import { reportFailure, sendNotice } from './report-failure.ts';
import { verifyStandalonePlace } from './standalone-accounts.ts';

export interface EnrollRequest {
  accountId: string;
  /** The OU (or root) the operator registered the account under; a virtual OU for a standalone account. */
  ouId: string;
  /** Set for an account outside the organization: the ExternalId its standalone access role demands. */
  standalone?: { externalId: string };
  createCloudTrail: boolean;
  /** False for a new enrollment (an ACTIVE record is then refused); true when updating one. */
  replaceExisting?: boolean;
  /**
   * Customer trails (names or ARNs) to protect; undefined or empty: the deployment default
   * (ProtectedTrails). With CreateCloudTrail off they are what carries the IAM events.
   */
  protectedTrails?: readonly string[];
  /** The provisioned product stack enrolling the account; its later Update and Delete must match. */
  stackId?: string;
  /**
   * Who asks, recorded as the owner (default service-catalog, the owner the automatic path never
   * deregisters). The product or the CLI take over an automatic enrollment.
   */
  enrolledBy?: EnrollmentOwner;
}

export interface EnrollResult {
  accountId: string;
  ouPath: string[];
  policyArn: string;
  versionId: string;
  compiledHash: string;
  attached: number;
  /** Names of the additional policies attached beside the boundary, in attachment order. */
  additionalPolicies: string[];
  /** Principals at their attachment quota that lack some of them (the record is then FAILED). */
  shortOfPolicies: PrincipalShortOfPolicies[];
  customerBoundaryArns: string[];
  protectedTrails: string[];
  warnings: string[];
  /** The permission sets provisioned to the account, as enrollment left them (Identity Center). */
  permissionSets?: PermissionSetReport[];
  identityCenterError?: string;
}

export async function enrollAccount(ctx: FlowContext, given: EnrollRequest): Promise<EnrollResult> {
  const { accountId } = given;
  let request: EnrollRequest & { protectedTrails: string[] };
  let trustWarnings: string[] | undefined;
  let ouPath: string[];
  try {
    refuseReservedAccount(ctx.settings, accountId);
    request = { ...given, protectedTrails: protectedTrailsOf(ctx, given) };
    // Before any record is written: a refused account leaves nothing behind. A standalone account
    // is reached through its record (its external id), so its roles are read once that exists.
    ouPath = request.standalone
      ? await verifyStandalonePlace(ctx, accountId, request.ouId, request.standalone.externalId)
      : await verifyEnrollmentPlace(ctx, accountId, request.ouId);
    if (!request.standalone) trustWarnings = await trustWarningsOf(ctx, accountId);
    await refuseManagementLockout(ctx, request, ouPath);
    await claimRecord(ctx, request);
  } catch (error) {
    // Two events announcing one arrival: the second finds the first's enrollment, which is no failure.
    const arrivedTwice = given.enrolledBy === 'auto' && codeOf(error) === 'ALREADY_ENROLLED';
    if (!arrivedTwice)
      await reportFailure(ctx, error, { step: stepOf(error, 'validate-request'), accountId });
    throw error;
  }
  let result: EnrollResult;
  try {
    // Every step below is idempotent, so a transient failure reruns the whole enrollment.
    trustWarnings ??= await trustWarningsOf(ctx, accountId);
    const warnings = trustWarnings;
    result = await withAccountRetries(ctx, accountId, () => enrollClaimed(ctx, request, ouPath, warnings));
  } catch (error) {
    await markFailed(ctx, accountId, `${codeOf(error)}: ${errorText(error)}`);
    await reportFailure(ctx, error, { step: stepOf(error, 'enroll'), accountId });
    throw error;
  }
  // Its Identity Center roles, which IAM let the sweep leave alone, bounded through their permission
  // sets now rather than at the next reconcile; a failure is reported and the enrollment stands.
  const identityCenter = await governPermissionSetsSafely(ctx, [], { account: accountId });
  return { ...result, ...identityCenter };
}

async function claimRecord(
  ctx: FlowContext,
  request: EnrollRequest & { protectedTrails: string[] },
): Promise<void> {
  await updateAccountRecord(ctx, request.accountId, (current) => {
    if (current && !request.replaceExisting && !mayEnrollOver(current, ownerOf(request))) {
      throw new AccountRefusedError(
        request.accountId,
        `already enrolled (status ${current.status}, by ${current.enrolledBy})`,
        'ALREADY_ENROLLED',
      );
    }
    return {
      ...(current ?? newRecord(ctx, request.accountId)),
      ouId: request.ouId,
      createCloudTrail: request.createCloudTrail,
      protectedTrails: request.protectedTrails,
      ...(request.stackId ? { stackId: request.stackId } : {}),
      enrolledBy: ownerOf(request),
      kind: request.standalone ? 'standalone' : 'member',
      externalId: request.standalone?.externalId,
      status: 'ENROLLING',
      lastError: undefined,
    };
  });
}

const ownerOf = (request: EnrollRequest): EnrollmentOwner => request.enrolledBy ?? 'service-catalog';

/**
 * An enrollment that failed or whose account became unreachable is enrolled again by whoever asks;
 * an automatic one is taken over by the product or the CLI (never the other way round).
 */
function mayEnrollOver(current: AccountRecord, requester: EnrollmentOwner): boolean {
  if (current.status === 'FAILED' || current.status === 'UNREACHABLE') return true;
  return current.enrolledBy === 'auto' && requester !== 'auto';
}

async function enrollClaimed(
  ctx: FlowContext,
  request: EnrollRequest & { protectedTrails: string[] },
  ouPath: string[],
  trustWarnings: string[],
): Promise<EnrollResult> {
  const { accountId, protectedTrails } = request;
  const { forwarding } = ctx.ports;
  const warnings: string[] = [...trustWarnings];
  const compiled = await compileForAccount(ctx, policySnapshot(ctx.ports.policyStore, ctx.now), {
    accountId,
    ouPath,
    protectedTrails,
  });
  // Nothing in the member account is touched before the policy is known to be valid.
  if (!compiled.ok) throw compiled.error;
  const previous = await ctx.ports.accounts.get(accountId);
  // What is deployed is read, not taken from the record: a re-enrollment repairs drift too.
  const written = await writeCompiledPolicies(ctx, accountId, compiled, previous, 'read');
  // The event path reads an enrolling account's record afresh for every event: with the additional
  // policies named there, a principal created while we sweep gets them from its event too.
  if (written.additional.length > 0)
    await updateAccountRecord(ctx, accountId, (current) =>
      current?.status === 'ENROLLING' ? { ...current, additionalPolicies: written.additional } : undefined,
    );
  // Forwarding first: a principal created while we sweep is then caught by the event path.
  await inStep('event-forwarding', () =>
    forwarding.ensureForwarding(accountId, {
      createCloudTrail: request.createCloudTrail,
      ...(protectedTrails.length > 0 ? { protectedTrails } : {}),
    }),
  );
  const sweep = await inStep('attach-boundaries', () =>
    attachBoundaryToAllPrincipals(ctx, accountId, written.boundary.policyArn, {
      ourDocument: compiled.policy,
      knownCustomerArns: previous?.customerBoundaryArns ?? [],
      additionalPolicyNames: written.additional.map((extra) => extra.name),
    }),
  );
  const custom = customerBoundaryArns(sweep);
  if (sweep.derivedAttached.length > 0)
    await reportCustomerBoundaries(ctx, accountId, sweep.customerBoundaries);
  const sweepError = sweepFailureError(sweep);
  if (sweepError) {
    // Keep what we learnt about customer boundaries, so a replay and deregistration know them.
    await updateAccountRecord(
      ctx,
      accountId,
      (current) => current && { ...current, customerBoundaryArns: custom },
    );
    throw sweepError;
  }
  await inStep('remove-additional-policies', () =>
    removeAdditionalPolicies(ctx, accountId, droppedAdditionalPolicies(previous, compiled)),
  );
  const short = shortOfPolicies(written.short, sweep.short);
  // Enrolled all the same (every principal carries the boundary); FAILED tells the operator, and
  // the reconciler and replay attach what is missing once a slot is free.
  const quota = short.length > 0 ? new AttachmentQuotaError(accountId, short) : undefined;
  await updateAccountRecord(ctx, accountId, (current) => ({
    ...(current ?? newRecord(ctx, accountId)),
    ...deployedFields(compiled, written),
    ouId: request.ouId,
    ouPath,
    customerBoundaryArns: custom,
    createCloudTrail: request.createCloudTrail,
    protectedTrails,
    enrolledBy: ownerOf(request),
    status: quota ? 'FAILED' : 'ACTIVE',
    lastError: quota ? `${quota.code}: ${errorText(quota)}`.slice(0, 1000) : undefined,
  }));
  if (quota) await reportFailure(ctx, quota, { step: 'attach-additional-policies', accountId });
  ctx.log.info('account enrolled', {
    accountId,
    ouPath,
    attached: sweep.attached.length,
    size: compiled.size,
    additionalPolicies: written.additional.length,
  });
  return {
    accountId,
    ouPath,
    policyArn: written.boundary.policyArn,
    versionId: written.boundary.versionId,
    compiledHash: compiled.hash,
    attached: sweep.attached.length,
    additionalPolicies: written.additional.map((extra) => extra.name),
    shortOfPolicies: short,
    customerBoundaryArns: custom,
    protectedTrails,
    warnings,
  };
}

async function reportCustomerBoundaries(
  ctx: FlowContext,
  accountId: string,
  entries: CustomerBoundaryEntry[],
): Promise<void> {
  await sendNotice(ctx, {
    code: 'CUSTOM_BOUNDARY_PRESENT',
    step: 'attach-boundaries',
    accountId,
    reason: `${entries.length} principal(s) had their own boundary; each now carries it combined with ours`,
    details: entries.map(
      (entry) => `${entry.principalArn}: ${entry.policyArn} → ${entry.derivedPolicyArn ?? '(not derived)'}`,
    ),
  });
}

export function newRecord(ctx: FlowContext, accountId: string): AccountRecord {
  return {
    accountId,
    managementAccountId: ctx.settings.managementAccountId,
    ouId: '',
    ouPath: [],
    customerBoundaryArns: [],
    additionalPolicies: [],
    policyFileKeys: [],
    updatedAt: '',
    compiledHash: undefined,
    boundaryVersionId: undefined,
    status: 'ENROLLING',
    lastError: undefined,
    createCloudTrail: false,
    enrolledBy: 'service-catalog',
    revision: 0,
  };
}
