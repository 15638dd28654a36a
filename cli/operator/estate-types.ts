/**
 * The estate as `status --json` captures it and `report` renders it: account records, the policy
 * files of the bucket, and with --estate the organization tree and the principals left without a
 * boundary. A capture is read back through this schema, so a report never renders a guess.
 */
import { z } from 'zod';

const accountEntry = z.object({
  accountId: z.string(),
  status: z.string(),
  ouId: z.string(),
  ouPath: z.array(z.string()),
  policyFileKeys: z.array(z.string()),
  compiledHash: z.string().nullable(),
  boundaryVersionId: z.string().nullable(),
  /** The Deny-only policies beside the boundary (captures from before them have none). */
  additionalPolicies: z.array(z.object({ name: z.string(), versionId: z.string() })).default([]),
  updatedAt: z.string(),
  lastError: z.string().nullable(),
  customerBoundaryArns: z.array(z.string()),
  createCloudTrail: z.boolean(),
  /** Who enrolled it; captures made before owners existed have none. */
  enrolledBy: z.string().optional(),
});

export interface OrganizationNode {
  id: string;
  name: string;
  kind: 'root' | 'ou';
  children: OrganizationNode[];
  accounts: { id: string; name: string }[];
}

const organizationNode: z.ZodType<OrganizationNode> = z.lazy(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(['root', 'ou']),
    children: z.array(organizationNode),
    accounts: z.array(z.object({ id: z.string(), name: z.string() })),
  }),
);

const unboundedPrincipal = z.object({
  arn: z.string(),
  /** Why it has no boundary of ours: exempt (and why), or missing (drift). */
  reason: z.string(),
  exempt: z.boolean(),
});

const accountPrincipals = z.object({
  accountId: z.string(),
  bounded: z.number(),
  unbounded: z.array(unboundedPrincipal),
  /** Set when the account's principals could not be read. */
  error: z.string().nullable(),
});

export const estateCapture = z.object({
  generatedAt: z.string().optional(),
  deployment: z
    .object({
      securityAccountId: z.string(),
      region: z.string(),
      partition: z.string(),
      bucket: z.string(),
      table: z.string(),
    })
    .optional(),
  accounts: z.array(accountEntry),
  policyFiles: z.array(z.string()).optional(),
  organization: z.object({ roots: z.array(organizationNode), error: z.string().nullable() }).optional(),
  principals: z.array(accountPrincipals).optional(),
  /** status --json with a management account: cli/operator/organization-changes.ts. */
  organizationChanges: z
    .object({ since: z.string().nullable(), changes: z.array(z.string()), error: z.string().nullable() })
    .optional(),
});

export type AccountEntry = z.infer<typeof accountEntry>;
export type UnboundedPrincipal = z.infer<typeof unboundedPrincipal>;
export type AccountPrincipals = z.infer<typeof accountPrincipals>;
export type EstateCapture = z.infer<typeof estateCapture>;
