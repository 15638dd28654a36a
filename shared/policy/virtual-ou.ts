/**
 * Virtual OUs: where standalone accounts (outside the organization) sit in the policy store. A
 * standalone account's chain is root → its virtual OU → the account, so the root's, the virtual
 * OU's and its own files apply as an OU's would to a member. The ids cannot collide with
 * Organizations' (ou-…, r-…), and nothing native exists for them.
 */
import { VIRTUAL_OU_SHAPE } from './place-ids.ts';

/** The role templates/standalone-account-role.yaml creates, unless StandaloneRoleName renames it. */
export const DEFAULT_STANDALONE_ROLE_NAME = 'scp-alt-standalone-access';

export function isVirtualOu(target: string): boolean {
  return VIRTUAL_OU_SHAPE.test(target);
}
