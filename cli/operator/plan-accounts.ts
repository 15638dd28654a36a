/**
 * What a policy folder would do to each account, without changing anything: the files that apply,
 * the compiled size against the IAM limit and the statement diff against the deployed boundary and
 * each additional policy (scp-enforce-policy-2, …), including those it would add or remove.
 */

import { IAM_MANAGED_POLICY_SIZE_LIMIT, type PolicyFinding, policyHash } from '#policy/index.ts';
import { isAwsError } from '#runtime/aws-errors.ts';
import { mapSettled } from '#runtime/concurrency.ts';
import { errorText } from '#shared/errors.ts';
import {
  type AccountCompilation,
  compileForAccount,
  type PolicySnapshot,
} from '#usecases/compile-account.ts';
import type { FlowContext } from '#usecases/flow-context.ts';
import { managementExemptionsPresent } from '#usecases/management-account.ts';
import type { OrganizationIndex } from '#usecases/organization-index.ts';
import { unreachableReason } from '#usecases/organization-membership.ts';
import type { AccountRecord, AccountStatus } from '#usecases/ports.ts';
import { isStandalone } from '#usecases/standalone-accounts.ts';
import { type FailureReport, failureReport } from './guarded.ts';
import { OperatorError } from './operator-error.ts';
import { diffStatements, isEmptyDiff, type StatementDiff } from './statement-diff.ts';

export interface PlanTarget {
  accountId: string;
  /** Where Organizations places the account now (the record's path when the tree could not be read). */
  ouPath: string[];
  status: AccountStatus | 'NOT_ENROLLED';
  /** Additional policies the account record says are deployed. */
  deployedAdditional: string[];
  /** Customer trails the record names: its boundary protects them too. */
  protectedTrails?: string[];
  /** The record's path, when Organizations places the account elsewhere: the move is not followed yet. */
  recordedPath?: string[];
  /** Why the account could not even be placed (e.g. it does not exist). */
  lookupError?: FailureReport;
}

/** One additional policy: what the plan would write, beside what is deployed. */
export interface AdditionalPolicyPlan {
  name: string;
  /** Size as compiled; null when the chain no longer needs it (it would be detached and deleted). */
  size: number | null;
  deployed: { versionId: string; hash: string } | null;
  change: 'added' | 'changed' | 'unchanged' | 'removed';
  diff: StatementDiff | null;
}

export interface AccountPlan extends PlanTarget {
  files: string[];
  size: number | null;
  sizeLimit: number;
  deployed: { versionId: string; hash: string } | null;
  plannedHash: string | null;
  changed: boolean;
  diff: StatementDiff | null;
  /** The Deny-only policies beside the boundary, in attachment order, then those to remove. */
  additionalPolicies: AdditionalPolicyPlan[];
  warnings: PolicyFinding[];
  error: FailureReport | null;
  /** The management account only: the principals it keeps without the boundary, and which exist. */
  exemptions?: { name: string; why: string; present: boolean }[];
}

const UNKNOWN_ACCOUNT_ERRORS = [
  'ChildNotFoundException',
  'AccountNotFoundException',
  'TargetNotFoundException',
];

/**
 * Where an account sits: its record's OU path, else Organizations (an enrollment that failed early
 * recorded no path; an account not enrolled has no record).
 */
export async function ouPathFor(ctx: FlowContext, record: AccountRecord | undefined, accountId: string) {
  if (record && record.ouPath.length > 0) return record.ouPath;
  try {
    return await ctx.ports.organization.ouPathOf(accountId);
  } catch (error) {
    if (!isAwsError(error, ...UNKNOWN_ACCOUNT_ERRORS)) throw error;
    throw new OperatorError(
      'ACCOUNT_NOT_IN_ORGANIZATION',
      `account ${accountId} is not in the organization (Organizations answered ${errorText(error)})`,
      'Check the account id: `scp-alt status` lists the enrolled accounts, `aws organizations list-accounts` (management account) all of them.',
      { cause: error },
    );
  }
}

/**
 * Where the tree places the account: its path, or why there is nothing to plan for it; undefined for
 * an id the tree does not have and no record names (the lookup then says what Organizations answers).
 */
function placedByTree(index: OrganizationIndex, record: AccountRecord | undefined, accountId: string) {
  // Outside the organization: its record places it (under its virtual OU).
  if (isStandalone(record) && record) return { ouPath: record.ouPath };
  const placement = index.placementOf(accountId);
  if (placement.kind === 'gone' && !record) return undefined;
  if (placement.kind === 'member') {
    const moved =
      record && record.ouPath.length > 0 && record.ouPath.join('/') !== placement.ouPath.join('/');
    return { ouPath: placement.ouPath, ...(moved ? { recordedPath: record.ouPath } : {}) };
  }
  const reason =
    placement.kind === 'gone' ? 'is not in the organization' : `is ${unreachableReason(placement)}`;
  throw new OperatorError(
    'ACCOUNT_NOT_IN_ORGANIZATION',
    `account ${accountId} ${reason}`,
    record
      ? '`scp-alt deregister --account <id> --force` removes its record; `scp-alt status` says what may be left in it.'
      : 'Check the account id: `aws organizations list-accounts` (management account) lists them all.',
  );
}

/**
 * Enrolled records, or the accounts asked for, placed where Organizations has them now (one tree
 * read, as the reconciler does); without the tree, by their records and one lookup per account.
 */
export async function planTargets(
  ctx: FlowContext,
  accountIds: string[],
  organization?: OrganizationIndex,
): Promise<PlanTarget[]> {
  const records =
    accountIds.length === 0
      ? (await ctx.ports.accounts.listAll()).sort((a, b) => a.accountId.localeCompare(b.accountId))
      : await Promise.all(accountIds.map((accountId) => ctx.ports.accounts.get(accountId)));
  const ids = accountIds.length === 0 ? records.map((record) => record?.accountId ?? '') : accountIds;
  return Promise.all(
    ids.map(async (accountId, index) => {
      const record = records[index];
      const status = record?.status ?? ('NOT_ENROLLED' as const);
      const deployedAdditional = record?.additionalPolicies.map((extra) => extra.name) ?? [];
      try {
        const trails = record?.protectedTrails ?? [];
        const extras = {
          deployedAdditional,
          ...(trails.length > 0 ? { protectedTrails: trails } : {}),
        };
        const placed = organization && placedByTree(organization, record, accountId);
        if (placed) return { accountId, status, ...placed, ...extras };
        return { accountId, ouPath: await ouPathFor(ctx, record, accountId), status, ...extras };
      } catch (error) {
        return { accountId, ouPath: [], status, deployedAdditional, lookupError: failureReport(error) };
      }
    }),
  );
}

function emptyPlan({ lookupError, ...target }: PlanTarget): AccountPlan {
  return {
    ...target,
    files: [],
    size: null,
    sizeLimit: IAM_MANAGED_POLICY_SIZE_LIMIT,
    deployed: null,
    plannedHash: null,
    changed: false,
    diff: null,
    additionalPolicies: [],
    warnings: [],
    error: lookupError ?? null,
  };
}

/** Each additional policy compiled or deployed, read from IAM and compared. */
async function planAdditional(
  ctx: FlowContext,
  target: PlanTarget,
  compiled: Extract<AccountCompilation, { ok: true }>,
): Promise<AdditionalPolicyPlan[]> {
  const wanted = new Map(compiled.additionalPolicies.map((extra) => [extra.name, extra]));
  const names = [...wanted.keys(), ...target.deployedAdditional.filter((name) => !wanted.has(name))];
  return Promise.all(
    names.map(async (name): Promise<AdditionalPolicyPlan> => {
      const current = await ctx.ports.iam.readBoundaryPolicy(target.accountId, name);
      const deployed = current ? { versionId: current.versionId, hash: policyHash(current.document) } : null;
      const extra = wanted.get(name);
      if (!extra) return { name, size: null, deployed, change: 'removed', diff: null };
      const diff = diffStatements(current?.document, extra.policy);
      const change = !current ? 'added' : isEmptyDiff(diff) ? 'unchanged' : 'changed';
      return { name, size: extra.size, deployed, change, diff };
    }),
  );
}

/** How a failure reads in the plan; the command passes one that names the cause (diagnose.ts). */
export type DescribeFailure = (error: unknown) => Promise<FailureReport>;
const asFlowsReport: DescribeFailure = async (error) => failureReport(error);

async function planOne(
  ctx: FlowContext,
  snapshot: PolicySnapshot,
  target: PlanTarget,
  describe: DescribeFailure,
): Promise<AccountPlan> {
  const plan = emptyPlan(target);
  if (plan.error) return plan;
  try {
    const exemptions = await managementExemptionsPresent(ctx, target.accountId);
    if (exemptions) plan.exemptions = exemptions;
    const deployed = await ctx.ports.iam.readBoundaryPolicy(target.accountId);
    if (deployed) plan.deployed = { versionId: deployed.versionId, hash: policyHash(deployed.document) };
    const compiled = await compileForAccount(ctx, snapshot, target);
    if (!compiled.ok) throw compiled.error;
    const diff = diffStatements(deployed?.document, compiled.policy);
    const additionalPolicies = await planAdditional(ctx, target, compiled);
    return {
      ...plan,
      files: compiled.sources,
      size: compiled.size,
      plannedHash: compiled.hash,
      changed: !isEmptyDiff(diff) || additionalPolicies.some((extra) => extra.change !== 'unchanged'),
      diff,
      additionalPolicies,
      warnings: compiled.warnings,
    };
  } catch (error) {
    return { ...plan, error: await describe(error) };
  }
}

export async function planAccounts(
  ctx: FlowContext,
  snapshot: PolicySnapshot,
  targets: PlanTarget[],
  onDone: (plan: AccountPlan, done: number) => void = () => {},
  describe: DescribeFailure = asFlowsReport,
): Promise<AccountPlan[]> {
  let done = 0;
  const settled = await mapSettled(targets, ctx.settings.fanoutConcurrency, async (target) => {
    const plan = await planOne(ctx, snapshot, target, describe);
    onDone(plan, ++done);
    return plan;
  });
  // planOne never throws; the fallback only satisfies the type.
  return settled.map((outcome, index) =>
    outcome.ok
      ? outcome.value
      : { ...emptyPlan(targets[index] as PlanTarget), error: failureReport(outcome.error) },
  );
}
