import { z } from 'zod';
import { ENROLLMENT_PLACE } from '#policy/place-ids.ts';
import { trailList } from '#policy/trail-reference.ts';
import {
  AccountRefusedError,
  codeOf,
  errorText,
  InvalidRequestError,
  RequestRefusedError,
} from '#shared/errors.ts';
import { cloudFormationReason } from '#shared/notifications.ts';
import { enrollAccount } from '#usecases/enroll.ts';
import type { FlowContext } from '#usecases/flow-context.ts';
import { releaseEnrollment } from '#usecases/release-enrollment.ts';
import { reportFailure, sendNotice } from '#usecases/report-failure.ts';
import type { CfnOutcome, CfnRequest } from './cfn-response.ts';

/** ResourceProperties of the Service Catalog product (names kept from the original). */
const PropertiesSchema = z
  .object({
    MemberAccountID: z
      .string()
      .trim()
      .regex(/^\d{12}$/, 'MemberAccountID must be a 12-digit account id'),
    OrganizationUnitID: z
      .string()
      .trim()
      .regex(ENROLLMENT_PLACE, 'OrganizationUnitID must be ou-… or r-… (vou-… for a standalone account)'),
    CreateCloudTrail: z
      .string()
      .trim()
      .toLowerCase()
      .default('no')
      .refine((value) => ['yes', 'no', 'true', 'false'].includes(value), 'CreateCloudTrail must be yes or no')
      .transform((value) => value === 'yes' || value === 'true'),
    // Comma-separated trail names or ARNs; empty: the deployment's ProtectedTrails. Checked by
    // enrollment, which knows the partition and the account.
    ProtectedTrails: z.string().default('').transform(trailList),
    // Set for an account outside the organization: the ExternalId of the standalone access role it
    // deployed (templates/standalone-account-role.yaml). Empty: a member account.
    StandaloneExternalId: z.string().trim().default(''),
  })
  .loose();
export type RegistrationProperties = z.infer<typeof PropertiesSchema>;

export function parseProperties(raw: unknown): RegistrationProperties {
  const parsed = PropertiesSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new InvalidRequestError(parsed.error.issues.map((issue) => issue.message).join('; '));
}

/** Physical id of a resource that enrolled nothing: its Delete must not deregister anyone. */
export function notEnrolledId(request: CfnRequest): string {
  return `not-enrolled-${request.RequestId}`;
}

const isAccountId = (id: string | undefined): id is string => id !== undefined && /^\d{12}$/.test(id);

/** Create / Update / Delete of the registration resource → outcome for CloudFormation. Never throws. */
export async function registrationOutcome(ctx: FlowContext, request: CfnRequest): Promise<CfnOutcome> {
  try {
    if (request.RequestType === 'Delete') return await handleDelete(ctx, request);
    const props = parseProperties(request.ResourceProperties);
    const enroll = {
      accountId: props.MemberAccountID,
      ouId: props.OrganizationUnitID,
      createCloudTrail: props.CreateCloudTrail,
      protectedTrails: props.ProtectedTrails,
      stackId: request.StackId,
      ...(props.StandaloneExternalId ? { standalone: { externalId: props.StandaloneExternalId } } : {}),
    };
    const previous = request.RequestType === 'Update' ? request.PhysicalResourceId : undefined;
    if (isAccountId(previous)) await refuseOtherStack(ctx, request, previous);
    const result = await enrollAccount(ctx, {
      ...enroll,
      replaceExisting: previous === props.MemberAccountID,
      enrolledBy: 'service-catalog',
    });
    // A changed account: the new one is enrolled first, so a failure leaves the old one protected.
    if (isAccountId(previous) && previous !== props.MemberAccountID)
      await releaseEnrollment(ctx, previous, 'service-catalog');
    return {
      status: 'SUCCESS',
      physicalResourceId: props.MemberAccountID,
      reason: `enrolled ${props.MemberAccountID}`,
      data: {
        PolicyArn: result.policyArn,
        PolicyVersionId: result.versionId,
        PolicyHash: result.compiledHash,
      },
    };
  } catch (error) {
    return {
      status: 'FAILED',
      physicalResourceId: failedPhysicalId(request, error),
      reason: reasonFor(error),
    };
  }
}

/**
 * An account enrolled by one provisioned product is changed or deregistered by that product only:
 * a request from another stack (or one that merely names a stack) is refused and reported.
 */
async function refuseOtherStack(ctx: FlowContext, request: CfnRequest, accountId: string): Promise<void> {
  const record = await ctx.ports.accounts.get(accountId);
  if (!record?.stackId || record.stackId === request.StackId) return;
  const error = new RequestRefusedError(
    `account ${accountId} was enrolled by stack ${record.stackId}; this ${request.RequestType} comes from ${request.StackId}`,
  );
  await reportFailure(ctx, error, { step: request.RequestType, accountId });
  throw error;
}

async function handleDelete(ctx: FlowContext, request: CfnRequest): Promise<CfnOutcome> {
  const accountId = request.PhysicalResourceId;
  if (!isAccountId(accountId))
    return { status: 'SUCCESS', physicalResourceId: accountId ?? notEnrolledId(request) };
  await refuseOtherStack(ctx, request, accountId);
  const record = await ctx.ports.accounts.get(accountId);
  try {
    const released = await releaseEnrollment(ctx, accountId, 'service-catalog');
    const reason =
      released.action === 'deregistered' ? `deregistered ${accountId}` : `${accountId} ${released.reason}`;
    return { status: 'SUCCESS', physicalResourceId: accountId, reason };
  } catch (error) {
    if (record?.status === 'ACTIVE') throw error;
    // Enrollment never completed: do not hold the stack hostage to a cleanup of a half-made state.
    await sendNotice(ctx, {
      code: 'CLEANUP_INCOMPLETE',
      step: 'deregister',
      accountId,
      reason: errorText(error),
    });
    return {
      status: 'SUCCESS',
      physicalResourceId: accountId,
      reason: `cleanup incomplete: ${errorText(error)}`,
    };
  }
}

export function failedPhysicalId(request: CfnRequest, error: unknown): string {
  if (request.PhysicalResourceId) return request.PhysicalResourceId;
  // Refused or invalid creates enrolled nothing; anything else may have left state to clean up.
  if (
    error instanceof AccountRefusedError ||
    error instanceof InvalidRequestError ||
    error instanceof RequestRefusedError
  )
    return notEnrolledId(request);
  const accountId = request.ResourceProperties.MemberAccountID;
  return typeof accountId === 'string' && isAccountId(accountId.trim())
    ? accountId.trim()
    : notEnrolledId(request);
}

export function reasonFor(error: unknown): string {
  return cloudFormationReason(codeOf(error), errorText(error));
}
