import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const accountSchema = z.object({
  name: z.string().min(1),
  /** OU path such as `Workloads/Prod`; absent → directly under the root. */
  ou: z.string().optional(),
  users: z.array(z.string()).default([]),
  roles: z.array(z.string()).default([]),
});

/** An account outside the organization: its id is fixed, as Organizations never assigns one. */
const standaloneAccountSchema = accountSchema.omit({ ou: true }).extend({
  accountId: z.string().regex(/^\d{12}$/),
});

/**
 * The organization to seed: OU paths, the security account, member accounts with their principals;
 * and standalone accounts, outside it, with theirs.
 */
export const orgSpecSchema = z.object({
  organizationAccessRoleName: z.string().default('OrganizationAccountAccessRole'),
  organizationalUnits: z.array(z.string()).default([]),
  securityAccount: accountSchema,
  accounts: z.array(accountSchema),
  standaloneAccounts: z.array(standaloneAccountSchema).default([]),
});

export type OrgSpecInput = z.input<typeof orgSpecSchema>;
export type OrgSpec = z.output<typeof orgSpecSchema>;
export type AccountSpec = z.output<typeof accountSchema>;
export type StandaloneAccountSpec = z.output<typeof standaloneAccountSchema>;

export const DEFAULT_ORG_SPEC_FILE = new URL('./default-org.json', import.meta.url);

export async function loadOrgSpec(
  source: OrgSpecInput | string | URL = DEFAULT_ORG_SPEC_FILE,
): Promise<OrgSpec> {
  const raw =
    typeof source === 'string' || source instanceof URL ? JSON.parse(await readFile(source, 'utf8')) : source;
  return orgSpecSchema.parse(raw);
}

/** `Workloads/Prod` → [`Workloads`, `Workloads/Prod`]: every path a spec needs, parents first. */
export function ouPathsParentsFirst(spec: OrgSpec): string[] {
  const paths = new Set<string>();
  const wanted = [
    ...spec.organizationalUnits,
    ...[spec.securityAccount, ...spec.accounts].flatMap((a) => a.ou ?? []),
  ];
  for (const path of wanted) {
    const parts = path.split('/');
    parts.forEach((_, index) => {
      paths.add(parts.slice(0, index + 1).join('/'));
    });
  }
  return [...paths].sort((a, b) => a.split('/').length - b.split('/').length);
}
