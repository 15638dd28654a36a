/**
 * Managed policy documents as IAM returns them, parsed once where they enter: URL-decoded, checked
 * against the policy grammar, `Statement` always a list (IAM allows one object), the `Version`
 * kept as written: a customer's 2008-10-17 boundary must stay 2008-10-17.
 */
import { z } from 'zod';
import type { ManagedPolicyDocument } from '#policy/types.ts';
import { ScpAltError } from '#shared/errors.ts';

const StringOrList = z.union([z.string(), z.array(z.string())]);
const ConditionScalar = z.union([z.string(), z.number(), z.boolean()]);

const StatementSchema = z
  .object({
    Sid: z.string().optional(),
    Effect: z.enum(['Allow', 'Deny']),
    Action: StringOrList.optional(),
    NotAction: StringOrList.optional(),
    Resource: StringOrList.optional(),
    NotResource: StringOrList.optional(),
    Condition: z
      .record(z.string(), z.record(z.string(), z.union([ConditionScalar, z.array(ConditionScalar)])))
      .optional(),
  })
  .loose();

const ManagedPolicyDocumentSchema = z
  .object({
    Version: z.enum(['2012-10-17', '2008-10-17']).optional(),
    Id: z.string().optional(),
    Statement: z
      .union([StatementSchema, z.array(StatementSchema)])
      .transform((statement) => (Array.isArray(statement) ? statement : [statement])),
  })
  .loose();

/** IAM handed back something that is not a policy document (it never should). */
export class UnreadablePolicyDocumentError extends ScpAltError {
  override name = 'UnreadablePolicyDocumentError';
  constructor(policyArn: string, detail: string) {
    super('AWS_CALL_FAILED', `${policyArn}: IAM returned a document that is not a policy (${detail})`);
  }
}

/** The document of GetPolicyVersion (URL-encoded JSON) as a typed policy. */
export function parseManagedPolicyDocument(encoded: string, policyArn: string): ManagedPolicyDocument {
  const text = encoded.trimStart().startsWith('{') ? encoded : decodeURIComponent(encoded);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UnreadablePolicyDocumentError(
      policyArn,
      error instanceof Error ? error.message : String(error),
    );
  }
  const parsed = ManagedPolicyDocumentSchema.safeParse(json);
  if (!parsed.success) throw new UnreadablePolicyDocumentError(policyArn, z.prettifyError(parsed.error));
  return parsed.data;
}
