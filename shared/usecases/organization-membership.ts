/**
 * Where Organizations places an account now. Enrollment, the organization-event path and the
 * reconciler all take the account's place from here, never from a record or an event's payload.
 */
import { isVirtualOu } from '#policy/virtual-ou.ts';
import { isAwsError } from '#runtime/aws-errors.ts';
import {
  AccountRefusedError,
  errorText,
  InvalidRequestError,
  NotInOrganizationError,
  OrganizationLookupError,
  ScpAltError,
} from '#shared/errors.ts';
import { withAccountRetries } from './account-retry.ts';
import type { FlowContext } from './flow-context.ts';
import type { Placement } from './ports.ts';

export type { Placement } from './ports.ts';

/** Organizations' answer for one account: DescribeAccount, then its parents when it is active. */
export async function placementOf(ctx: FlowContext, accountId: string): Promise<Placement> {
  const { organization } = ctx.ports;
  const account = await organization.describeAccount(accountId);
  if (!account) return { kind: 'gone' };
  if (account.state === 'PENDING_ACTIVATION') return { kind: 'arriving' };
  if (account.state !== 'ACTIVE') return { kind: 'closed', state: account.state };
  return { kind: 'member', ouPath: await organization.ouPathOf(accountId) };
}

/** True when the path (root first, OUs down to the account's parent) lies in one of the targets. */
export function underTargets(ouPath: readonly string[], targets: readonly string[]): boolean {
  return targets.some((target) => ouPath.includes(target));
}

/** The sentence a notice or a record gives for an account that cannot be reached. */
export function unreachableReason(placement: Exclude<Placement, { kind: 'member' }>): string {
  switch (placement.kind) {
    case 'gone':
      return 'no longer in the organization (removed, left or never a member)';
    case 'closed':
      return `closed in Organizations (state ${placement.state})`;
    case 'arriving':
      return 'still being created (PENDING_ACTIVATION)';
  }
}

/**
 * The account's OU path for an enrollment under `ouId`, or a refusal naming what is wrong: an
 * account Organizations does not know or that is closed, an OU or root that does not exist or
 * does not hold the account. Lookups that fail transiently are retried; when they keep failing the
 * enrollment fails too: a path guessed from the OU id could enroll a non-member or leave out an
 * OU's files.
 */
export async function verifyEnrollmentPlace(
  ctx: FlowContext,
  accountId: string,
  ouId: string,
): Promise<string[]> {
  if (isVirtualOu(ouId))
    throw new InvalidRequestError(
      `${ouId} is a virtual OU: it holds standalone accounts only, registered with their external id`,
    );
  const placement = await lookupOrganization(ctx, accountId, () => placementOf(ctx, accountId));
  if (placement.kind === 'gone')
    throw new NotInOrganizationError(
      'ACCOUNT_NOT_IN_ORGANIZATION',
      accountId,
      `account ${accountId} is not in the organization: Organizations does not know it (a mistyped id, or an account that left)`,
    );
  if (placement.kind !== 'member')
    throw new AccountRefusedError(accountId, `${unreachableReason(placement)}; it cannot be enrolled`);
  const { ouPath } = placement;
  if (ouPath.includes(ouId)) return ouPath;
  throw new NotInOrganizationError(
    'OU_DOES_NOT_CONTAIN_ACCOUNT',
    accountId,
    `${await describeMisplacement(ctx, accountId, ouId, ouPath)}; Organizations places account ${accountId} under ${ouPath.join(' → ')}`,
  );
}

async function describeMisplacement(
  ctx: FlowContext,
  accountId: string,
  ouId: string,
  ouPath: string[],
): Promise<string> {
  if (ouId.startsWith('r-')) return `${ouId} is not the root of this organization (${ouPath[0] ?? '?'} is)`;
  const exists = await lookupOrganization(ctx, accountId, async () => {
    try {
      await ctx.ports.organization.ouPathOf(ouId);
      return true;
    } catch (error) {
      if (isAwsError(error, 'ChildNotFoundException', 'OrganizationalUnitNotFoundException')) return false;
      throw error;
    }
  });
  return exists ? `OU ${ouId} does not contain account ${accountId}` : `OU ${ouId} does not exist`;
}

/** Retries transient failures; what still fails becomes ORGANIZATION_LOOKUP_FAILED. */
export async function lookupOrganization<T>(
  ctx: FlowContext,
  accountId: string,
  read: () => Promise<T>,
): Promise<T> {
  try {
    return await withAccountRetries(ctx, accountId, read);
  } catch (error) {
    if (error instanceof ScpAltError) throw error;
    ctx.log.warn('Organizations lookup failed', { accountId, error: errorText(error) });
    throw new OrganizationLookupError(accountId, error);
  }
}
