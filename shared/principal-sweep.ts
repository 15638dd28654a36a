import type { Principal } from './aws/ports.ts';
import { mapSettled } from './concurrency.ts';
import { AwsStepError, errorText } from './errors.ts';
import { boundaryParametersFor, DEFAULT_PRINCIPAL_CONCURRENCY, type FlowContext } from './flow-context.ts';
import { isExemptPrincipal } from './policy/index.ts';

export interface SweepResult {
  /** ARNs of principals that received our boundary now. */
  attached: string[];
  alreadyBound: number;
  exempt: number;
  /** Principals carrying a customer boundary, left untouched (DESIGN: never edit theirs). */
  customBoundaries: { principalArn: string; policyArn: string }[];
  failed: { principalArn: string; reason: string; error: unknown }[];
}

/** Gives every non-exempt principal of the account our boundary unless it already has one. */
export async function attachBoundaryToAllPrincipals(
  ctx: FlowContext,
  accountId: string,
  policyArn: string,
): Promise<SweepResult> {
  const { iam } = ctx.ports;
  const params = boundaryParametersFor(ctx.settings, accountId);
  const result: SweepResult = { attached: [], alreadyBound: 0, exempt: 0, customBoundaries: [], failed: [] };
  const principals = await iam.listPrincipals(accountId);
  const candidates = principals.filter((principal) => !isExemptPrincipal(principal, params));
  result.exempt = principals.length - candidates.length;
  const outcomes = await mapSettled(
    candidates,
    ctx.principalConcurrency ?? DEFAULT_PRINCIPAL_CONCURRENCY,
    (principal) => attachUnlessBound(ctx, accountId, principal, policyArn, result),
  );
  outcomes.forEach((outcome, index) => {
    if (!outcome.ok) {
      const { error } = outcome;
      result.failed.push({ principalArn: candidates[index]?.arn ?? '', reason: errorText(error), error });
    }
  });
  return result;
}

async function attachUnlessBound(
  ctx: FlowContext,
  accountId: string,
  principal: Principal,
  policyArn: string,
  result: SweepResult,
): Promise<void> {
  const state = await ctx.ports.iam.readPrincipal(accountId, principal);
  if (!state) return; // deleted since it was listed
  if (state.boundaryArn === policyArn) {
    result.alreadyBound++;
  } else if (state.boundaryArn !== undefined) {
    result.customBoundaries.push({ principalArn: state.arn, policyArn: state.boundaryArn });
  } else {
    await ctx.ports.iam.attachBoundary(accountId, principal, policyArn);
    result.attached.push(state.arn);
  }
}

/** Detaches our boundary from every principal that carries it; other boundaries stay. */
export async function detachBoundaryFromAllPrincipals(
  ctx: FlowContext,
  accountId: string,
  policyArn: string,
): Promise<number> {
  const { iam } = ctx.ports;
  const principals = await iam.listPrincipals(accountId);
  const outcomes = await mapSettled(
    principals,
    ctx.principalConcurrency ?? DEFAULT_PRINCIPAL_CONCURRENCY,
    async (principal) => {
      const state = await iam.readPrincipal(accountId, principal);
      if (state?.boundaryArn !== policyArn) return 0;
      await iam.detachBoundary(accountId, principal);
      return 1;
    },
  );
  const failure = outcomes.find((outcome) => !outcome.ok);
  if (failure && !failure.ok) throw new AwsStepError('detach-boundaries', failure.error);
  return outcomes.reduce((sum, outcome) => sum + (outcome.ok ? outcome.value : 0), 0);
}

/** Customer boundary ARNs for the record's ScpCustomPolicyList, unique and sorted. */
export function customPolicyArns(sweep: SweepResult): string[] {
  return [...new Set(sweep.customBoundaries.map((entry) => entry.policyArn))].sort();
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
