import { type AwsError, awsErrorResponse, type ProxyResponse, xmlValue } from './aws-errors.ts';
import type { AwsCall, FidelityContext, FidelityRules } from './fidelity.ts';
import { accountOfArn, iamRead, listRoleNames, policyExists, roleBoundaryArn } from './iam-lookups.ts';
import { reservedRoleKey } from './identity-center.ts';

/** IAM counts a managed policy's size without whitespace. */
export const MANAGED_POLICY_SIZE_LIMIT = 6144;

export function policySize(document: string): number {
  return document.replace(/\s/g, '').length;
}

function reject(call: AwsCall, error: AwsError): ProxyResponse {
  return awsErrorResponse(call.info.protocol, error);
}

async function refuseOversizedPolicy(call: AwsCall): Promise<ProxyResponse | undefined> {
  const document = call.info.params.get('PolicyDocument') ?? '';
  if (policySize(document) <= MANAGED_POLICY_SIZE_LIMIT) return undefined;
  return reject(call, {
    code: 'LimitExceeded',
    message: `Cannot exceed quota for PolicySize: ${MANAGED_POLICY_SIZE_LIMIT}`,
    status: 409,
  });
}

async function refuseDeletingPolicyInUse(
  call: AwsCall,
  context: FidelityContext,
): Promise<ProxyResponse | undefined> {
  const policyArn = call.info.params.get('PolicyArn') ?? '';
  const account = accountOfArn(policyArn);
  const policy = await iamRead(call, context, account, 'GetPolicy', { PolicyArn: policyArn });
  if (policy.status !== 200) return undefined; // moto answers NoSuchEntity itself
  const conflict = (message: string) => reject(call, { code: 'DeleteConflict', message, status: 409 });
  if (Number(xmlValue(policy.body, 'AttachmentCount') ?? '0') > 0) {
    return conflict('Cannot delete a policy attached to entities.');
  }
  const versions = await iamRead(call, context, account, 'ListPolicyVersions', { PolicyArn: policyArn });
  if ((versions.body.match(/<VersionId>/g) ?? []).length > 1) {
    return conflict(
      "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
    );
  }
  if (await isUsedAsBoundary(call, context, account, policyArn)) {
    return conflict('Cannot delete a policy attached to entities.');
  }
  return undefined;
}

async function isUsedAsBoundary(
  call: AwsCall,
  context: FidelityContext,
  account: string,
  policyArn: string,
): Promise<boolean> {
  const userPrefix = `${call.partition}|${account}|`;
  for (const [key, arn] of context.userBoundaries) {
    if (key.startsWith(userPrefix) && arn === policyArn) return true;
  }
  for (const roleName of await listRoleNames(call, context, account)) {
    if ((await roleBoundaryArn(call, context, account, roleName)) === policyArn) return true;
  }
  return false;
}

/** IAM refuses a boundary that names no existing managed policy; moto stores any well-formed ARN. */
export async function refuseMissingBoundaryPolicy(
  call: AwsCall,
  context: FidelityContext,
): Promise<ProxyResponse | undefined> {
  const boundary = call.info.params.get('PermissionsBoundary');
  if (!boundary || (await policyExists(call, context, boundary))) return undefined;
  return reject(call, {
    code: 'NoSuchEntity',
    message: `Policy ${boundary} does not exist or is not attachable.`,
    status: 404,
  });
}

/** Paths only AWS services create roles under (iam-simulate's IAM authorizer agrees for /aws-reserved/). */
function isAwsOwnedPath(path: string): boolean {
  return path.startsWith('/aws-service-role/') || path.startsWith('/aws-reserved/');
}

/** Nobody creates a role under /aws-reserved/: Identity Center and other services own that path. */
async function refuseReservedPath(call: AwsCall): Promise<ProxyResponse | undefined> {
  const path = call.info.params.get('Path') ?? '/';
  if (!path.startsWith('/aws-reserved/')) return undefined;
  return reject(call, {
    code: 'AccessDenied',
    message: `${call.caller.principalArn} is not authorized to perform: iam:CreateRole on a role under ${path}, a path reserved for AWS services`,
    status: 403,
  });
}

/**
 * Service-linked roles (path /aws-service-role/) and the roles Identity Center provisioned cannot
 * take, change or lose a boundary, nor have their trust or inline policies changed, nor be deleted:
 * only the service that owns them may.
 */
export async function refuseProtectedRole(
  call: AwsCall,
  context: FidelityContext,
): Promise<ProxyResponse | undefined> {
  const roleName = call.info.params.get('RoleName') ?? '';
  const reserved = context.identityCenter.reservedRoles.has(
    reservedRoleKey(call.partition, call.caller.account, roleName),
  );
  if (!reserved) {
    const role = await iamRead(call, context, call.caller.account, 'GetRole', { RoleName: roleName });
    if (!isAwsOwnedPath(xmlValue(role.body, 'Path') ?? '')) return undefined;
  }
  return reject(call, {
    code: 'UnmodifiableEntity',
    message: `Cannot perform the operation on the protected role '${roleName}' - this role is only modifiable by AWS`,
    status: 400,
  });
}

export const IAM_RULES: FidelityRules = {
  'iam:CreatePolicy': { before: refuseOversizedPolicy },
  'iam:CreatePolicyVersion': { before: refuseOversizedPolicy },
  'iam:DeletePolicy': { before: refuseDeletingPolicyInUse },
  'iam:CreateRole': {
    before: async (call, context) =>
      (await refuseReservedPath(call)) ?? refuseMissingBoundaryPolicy(call, context),
  },
  'iam:PutRolePermissionsBoundary': {
    before: async (call, context) =>
      (await refuseProtectedRole(call, context)) ?? refuseMissingBoundaryPolicy(call, context),
  },
  'iam:DeleteRolePermissionsBoundary': { before: refuseProtectedRole },
  'iam:UpdateAssumeRolePolicy': { before: refuseProtectedRole },
  'iam:PutRolePolicy': { before: refuseProtectedRole },
  'iam:DeleteRolePolicy': { before: refuseProtectedRole },
  'iam:DeleteRole': { before: refuseProtectedRole },
  'iam:UpdateRole': { before: refuseProtectedRole },
};
