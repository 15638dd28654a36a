/**
 * The escape-attempt corpus (escape-attempts.json) read once and checked for shape, and the
 * boundary each parameter set compiles to from a FullAWSAccess chain.
 */
import { z } from 'zod';
import type { NamedPolicy, PolicySet } from '#policy/evaluate.ts';
import { compileBoundary, defaultBoundaryParameters } from '#policy/index.ts';
import { managementAccountParameters } from '#policy/management-account.ts';
import type { BoundaryParameters } from '#policy/types.ts';
import corpusJson from './escape-attempts.json' with { type: 'json' };

export const ACCOUNT = '111122223333';
export const PARTITION = 'aws-cn';

const request = z
  .object({
    name: z.string(),
    action: z.string(),
    resource: z.string(),
    context: z.record(z.string(), z.string()),
    only: z.array(z.string()).optional(),
    except: z.array(z.string()).optional(),
  })
  .strict();

const parameterSet = z
  .object({
    name: z.string(),
    description: z.string(),
    overrides: z
      .object({
        whitelistRoleNames: z.array(z.string()),
        automationRoleArns: z.array(z.string()).optional(),
        requireBoundaryOnCreate: z.boolean().optional(),
        protectedTrails: z.array(z.string()).optional(),
        /** scp-alt's own role where it is not the organization access role (a standalone account). */
        organizationAccessRoleName: z.string().optional(),
      })
      .strict(),
    /** The management account enrolled: its exempt principals placed by managementAccountParameters. */
    managementAccount: z
      .object({ managementRoleName: z.string(), breakGlassNames: z.array(z.string()) })
      .strict()
      .optional(),
  })
  .strict();

const corpusShape = z
  .object({
    description: z.string(),
    parameterSets: z.array(parameterSet),
    attempts: z.array(request),
    ordinaryRequests: z.array(request),
    refusedByIam: z.array(request),
  })
  .strict();

export type CorpusRequest = z.infer<typeof request>;
export type ParameterSetSpec = z.infer<typeof parameterSet>;

export const corpus = corpusShape.parse(corpusJson);

/** True when the request's own verdict (denied for an attempt, allowed otherwise) holds in the set. */
export function verdictHoldsIn(entry: CorpusRequest, setName: string): boolean {
  if (entry.only) return entry.only.includes(setName);
  if (entry.except) return !entry.except.includes(setName);
  return true;
}

export const ALLOW_ALL: NamedPolicy = {
  source: 'AdministratorAccess',
  document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};

export function parametersOf(spec: ParameterSetSpec): BoundaryParameters {
  const management = spec.managementAccount
    ? managementAccountParameters({
        ...spec.managementAccount,
        whitelistRoleNames: spec.overrides.whitelistRoleNames,
      })
    : {};
  return defaultBoundaryParameters({
    partition: PARTITION,
    accountId: ACCOUNT,
    ...spec.overrides,
    ...management,
  });
}

/** The boundary of an account whose only SCP is FullAWSAccess: Allow * plus the protective denies. */
export function compiledFullAccessBoundary(params: BoundaryParameters): NamedPolicy {
  const outcome = compileBoundary({
    params,
    chain: [
      {
        target: 'r-ab12',
        sources: [
          { key: 'permission-boundary-policy/r-ab12.json', body: JSON.stringify(ALLOW_ALL.document) },
        ],
      },
    ],
  });
  if (!outcome.ok) throw new Error(`FullAWSAccess chain did not compile: ${JSON.stringify(outcome.errors)}`);
  return { source: 'scp-enforce-policy', document: outcome.policy as NamedPolicy['document'] };
}

/** An ordinary principal of the member account: allow-all identity policy, our boundary. */
export function boundedBy(boundary: NamedPolicy): PolicySet {
  return { scpChain: [], identityPolicies: [ALLOW_ALL], permissionsBoundary: boundary };
}
