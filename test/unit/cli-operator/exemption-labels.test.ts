/**
 * simulate and the estate report say why a principal carries no boundary in the words of its
 * account: the management account's exemptions are not an organization access role or a
 * whitelist entry, and a standalone account is reached through its own role.
 */
import { describe, expect, it } from 'vitest';
import { exemptionLabels, exemptionOf } from '#cli/operator/exemption-reasons.ts';
import { boundaryParametersFor } from '#usecases/flow-context.ts';
import { MANAGEMENT_ACCOUNT, makeWorld } from '../fakes/world.ts';

const STANDALONE = '210987654321';
const MEMBER = '111122223333';
const { settings } = makeWorld({
  managementAccount: {
    enrollable: true,
    roleName: 'scp-alt-management-access',
    breakGlassNames: ['org-admin'],
  },
  standaloneAccountIds: [STANDALONE],
});
const why = (accountId: string, principal: string) =>
  exemptionOf(
    `arn:aws-cn:iam::${accountId}:${principal}`,
    boundaryParametersFor(settings, accountId),
    exemptionLabels(settings, accountId),
  );

describe('why a principal carries no boundary, in the words of its account', () => {
  it('Given the management account enrolled, then its exempt principals are named for what they are', () => {
    expect(why(MANAGEMENT_ACCOUNT, 'role/scp-alt-management-access')).toBe(
      "scp-alt's management role scp-alt-management-access",
    );
    expect(why(MANAGEMENT_ACCOUNT, 'role/AWSCloudFormationStackSetAdministrationRole')).toBe(
      'StackSets administration role',
    );
    expect(why(MANAGEMENT_ACCOUNT, 'user/org-admin')).toBe(
      'break-glass principal (ManagementBreakGlassNames)',
    );
    expect(why(MANAGEMENT_ACCOUNT, 'role/OrganizationAccountAccessRole')).toBeUndefined();
    expect(why(MANAGEMENT_ACCOUNT, 'user/Org-Admin')).toBeUndefined();
  });

  it('Given a standalone account, then its access role is named as such', () => {
    expect(why(STANDALONE, 'role/scp-alt-standalone-access')).toBe(
      'standalone access role scp-alt-standalone-access',
    );
  });

  it('Given a member, then the break-glass names of the management account exempt nobody there', () => {
    expect(why(MEMBER, 'role/OrganizationAccountAccessRole')).toBe(
      'organization access role OrganizationAccountAccessRole',
    );
    expect(why(MEMBER, 'user/org-admin')).toBeUndefined();
    expect(why(MEMBER, 'role/stacksets-exec-a1')).toBe("whitelisted by WhitelistRoleName 'stacksets-exec-*'");
  });
});
