/**
 * The ids an account's place is written with, spelled once for every entry point: an OU, a root,
 * a virtual OU (standalone accounts, virtual-ou.ts), and the targets of policy files.
 */
const OU = 'ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}';
const ROOT = 'r-[0-9a-z]{4,32}';
const VIRTUAL_OU = 'vou-[a-z0-9][a-z0-9-]{0,31}';

const whole = (...shapes: string[]) => new RegExp(`^(${shapes.join('|')})$`);

/** Where Organizations places an account: an OU or a root (auto-enroll targets, for instance). */
export const ORGANIZATION_PLACE = whole(OU, ROOT);
/** Where an account is enrolled: an OU or a root; a virtual OU for a standalone account. */
export const ENROLLMENT_PLACE = whole(OU, ROOT, VIRTUAL_OU);
export const VIRTUAL_OU_SHAPE = whole(VIRTUAL_OU);
/** What a policy file is for: a root, an OU, a virtual OU or one account (`account-<id>`). */
export const POLICY_TARGET = whole(ROOT, OU, VIRTUAL_OU, 'account-\\d{12}');
