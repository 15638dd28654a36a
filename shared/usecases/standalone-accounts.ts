/**
 * Standalone accounts: outside the organization, enrolled through the standalone access role they
 * deploy (templates/standalone-account-role.yaml) with an external id, and placed by their record
 * under a virtual OU: root → virtual OU → account, as an OU's chain is for a member. Only an account
 * registered so, with its external id, is reached this way; Organizations never places it.
 */
import { isVirtualOu } from '#policy/virtual-ou.ts';
import { AccountRefusedError, InvalidRequestError } from '#shared/errors.ts';
import { type FlowContext, isStandaloneAccount } from './flow-context.ts';
import { lookupOrganization } from './organization-membership.ts';
import type { AccountRecord } from './ports.ts';

/** STS's ExternalId: 2 to 1,224 characters of letters, digits and +=,.@:/- */
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/**
 * The chain of a standalone account registered under `virtualOu`, or a refusal: an id that is no
 * virtual OU, a malformed external id, or an account Organizations knows (a member is enrolled as
 * one, through its OU, never around Organizations).
 */
export async function verifyStandalonePlace(
  ctx: FlowContext,
  accountId: string,
  virtualOu: string,
  externalId: string,
): Promise<string[]> {
  if (!isVirtualOu(virtualOu))
    throw new InvalidRequestError(
      `a standalone account is placed under a virtual OU (vou-<name>: lower-case letters, digits, -), got '${virtualOu}'`,
    );
  if (!isStandaloneAccount(ctx.settings, accountId))
    throw new AccountRefusedError(
      accountId,
      "is not one of the deployment's standalone accounts: add it to StandaloneAccountIds (the security bus admits its events only then)",
    );
  if (!EXTERNAL_ID.test(externalId))
    throw new InvalidRequestError('ExternalId: 2 to 1,224 characters of letters, digits and +=,.@:/-');
  const member = await lookupOrganization(ctx, accountId, () =>
    ctx.ports.organization.describeAccount(accountId),
  );
  if (member)
    throw new AccountRefusedError(
      accountId,
      `is in the organization (state ${member.state}); enroll it as a member under its OU, not as a standalone account`,
    );
  const root = await lookupOrganization(ctx, accountId, () => ctx.ports.organization.rootId());
  return [root, virtualOu];
}

export function isStandalone(record: AccountRecord | undefined): boolean {
  return record?.kind === 'standalone';
}
