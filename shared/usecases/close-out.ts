/**
 * An enrolled account that can no longer be reached (it left the organization, was closed or
 * suspended, or its organization access role refuses us) is closed out: its record says so, one
 * notice names what may still be in the account, and nothing retries it any more.
 */
import { updateAccountRecord } from './account-records.ts';
import { derivedPolicyNameIn } from './derived-policies.ts';
import { boundaryParametersFor, type FlowContext } from './flow-context.ts';
import type { AccountRecord } from './ports.ts';
import { sendNotice } from './report-failure.ts';

/**
 * Marks the record UNREACHABLE with `reason`; returns false (and sends nothing) when it already
 * was, so duplicate and late events, and every later reconcile, stay silent.
 */
export async function closeOut(ctx: FlowContext, accountId: string, reason: string): Promise<boolean> {
  let closed: AccountRecord | undefined;
  await updateAccountRecord(ctx, accountId, (current) => {
    closed = undefined;
    if (!current || current.status === 'UNREACHABLE') return undefined;
    closed = { ...current, status: 'UNREACHABLE', lastError: reason, writeLease: undefined };
    return closed;
  });
  if (!closed) return false;
  ctx.log.warn('account closed out', { accountId, reason });
  await sendNotice(ctx, {
    code: 'ACCOUNT_UNREACHABLE',
    step: 'follow-organization',
    accountId,
    reason: `account ${accountId} is ${reason}; its record is kept as UNREACHABLE and nothing is retried`,
    details: leftInAccount(ctx, closed).map((item) => `may still be in the account: ${item}`),
  });
  return true;
}

/** What enrollment created in the account and only a deregistration that reaches it removes. */
export function leftInAccount(
  ctx: FlowContext,
  record: Pick<AccountRecord, 'accountId' | 'customerBoundaryArns' | 'createCloudTrail'> & {
    additionalPolicies?: AccountRecord['additionalPolicies'];
  },
): string[] {
  const { accountId } = record;
  const names = boundaryParametersFor(ctx.settings, accountId);
  const items = [
    `${ctx.ports.iam.policyArnFor(accountId)} as the permissions boundary of its users and roles`,
    ...record.customerBoundaryArns.map(
      (customer) =>
        `${ctx.ports.iam.policyArnFor(accountId, derivedPolicyNameIn(ctx, accountId, customer))} (derived from ${customer})`,
    ),
    ...(record.additionalPolicies ?? []).map(
      ({ name }) => `${ctx.ports.iam.policyArnFor(accountId, name)} attached to its users and roles`,
    ),
    `the event forwarding rule ${names.eventRuleName} and role ${names.eventRoleName}`,
  ];
  if (record.createCloudTrail) items.push(`the trail ${names.trailName} and its bucket`);
  return items;
}
