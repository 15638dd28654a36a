/**
 * What moto's sso-admin lacks, kept here: permissions boundaries of permission sets, provisioning to
 * a chosen account (moto provisions only to the caller's account and creates no role), the
 * provisioning status, and the roles provisioning creates. Provisioning creates or updates
 * `AWSReservedSSO_<permission set name>_<hash>` under `/aws-reserved/sso.amazonaws.com/` in the
 * target account's IAM, with the permission set's boundary and customer-managed policies, and
 * fails, as AWS does, when a referenced policy does not exist in that account. Those roles are
 * modifiable only by Identity Center: IAM refuses changes to them (iam-rules.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import { xmlValue } from './aws-errors.ts';
import type { AwsCall, FidelityContext } from './fidelity.ts';
import { policyExists } from './iam-lookups.ts';
import { motoJson, motoQuery } from './moto-client.ts';

export const SSO_ROLE_PATH = '/aws-reserved/sso.amazonaws.com/';
const SSO_TARGET = 'SWBExternalService';

export interface PolicyReference {
  Name: string;
  Path?: string;
}

export interface ProvisioningStatus {
  RequestId: string;
  Status: 'SUCCEEDED' | 'FAILED';
  PermissionSetArn: string;
  AccountId?: string;
  FailureReason?: string;
  CreatedDate: number;
}

/** Identity Center state the proxy keeps between calls; cleared with moto. */
export class IdentityCenterOverlay {
  /** Permission set ARN → its boundary (a customer-managed policy reference or a managed policy ARN). */
  readonly boundaries = new Map<
    string,
    { CustomerManagedPolicyReference?: PolicyReference; ManagedPolicyArn?: string }
  >();
  /** Permission set ARN → accounts it is provisioned to. */
  readonly provisioned = new Map<string, Set<string>>();
  readonly requests = new Map<string, ProvisioningStatus>();
  /** `partition|account|roleName` of every role Identity Center created; IAM refuses changes to them. */
  readonly reservedRoles = new Set<string>();
  /** Role key → customer-managed policy ARNs provisioning attached (detached when the reference goes). */
  readonly attachedByProvisioning = new Map<string, Set<string>>();

  clear(): void {
    this.boundaries.clear();
    this.provisioned.clear();
    this.requests.clear();
    this.reservedRoles.clear();
    this.attachedByProvisioning.clear();
  }

  accountsOf(permissionSetArn: string): string[] {
    return [...(this.provisioned.get(permissionSetArn) ?? [])].sort();
  }
}

export function reservedRoleKey(partition: string, account: string, roleName: string): string {
  return `${partition}|${account}|${roleName}`;
}

/** AWS names the role after the permission set, with a suffix unique to the permission set. */
export function reservedRoleName(permissionSetName: string, permissionSetArn: string): string {
  const suffix = createHash('sha256').update(permissionSetArn).digest('hex').slice(0, 16);
  return `AWSReservedSSO_${permissionSetName}_${suffix}`;
}

function policyArnOf(partition: string, account: string, reference: PolicyReference): string {
  return `arn:${partition}:iam::${account}:policy${reference.Path ?? '/'}${reference.Name}`;
}

async function ssoRead(call: AwsCall, context: FidelityContext, operation: string, payload: unknown) {
  const answer = await motoJson(
    { motoUrl: context.motoUrl, service: 'sso', region: call.info.region, account: call.caller.account },
    `${SSO_TARGET}.${operation}`,
    payload,
  );
  return answer.status === 200 ? (JSON.parse(answer.body) as Record<string, unknown>) : undefined;
}

interface PermissionSetView {
  name: string;
  boundaryArn: (account: string) => string | undefined;
  customerPolicies: PolicyReference[];
}

async function permissionSetView(
  call: AwsCall,
  context: FidelityContext,
  instanceArn: string,
  permissionSetArn: string,
): Promise<PermissionSetView | undefined> {
  const ids = { InstanceArn: instanceArn, PermissionSetArn: permissionSetArn };
  const described = await ssoRead(call, context, 'DescribePermissionSet', ids);
  const name = (described?.PermissionSet as { Name?: string } | undefined)?.Name;
  if (!name) return undefined;
  const listed = await ssoRead(call, context, 'ListCustomerManagedPolicyReferencesInPermissionSet', ids);
  const boundary = context.identityCenter.boundaries.get(permissionSetArn);
  return {
    name,
    customerPolicies: (listed?.CustomerManagedPolicyReferences as PolicyReference[] | undefined) ?? [],
    boundaryArn: (account) =>
      boundary?.CustomerManagedPolicyReference
        ? policyArnOf(call.partition, account, boundary.CustomerManagedPolicyReference)
        : boundary?.ManagedPolicyArn,
  };
}

/**
 * Creates or updates the permission set's role in one account. Answers a failure reason when a
 * referenced policy is missing there (nothing is changed then), else undefined.
 */
export async function provisionToAccount(
  call: AwsCall,
  context: FidelityContext,
  instanceArn: string,
  permissionSetArn: string,
  account: string,
): Promise<string | undefined> {
  const view = await permissionSetView(call, context, instanceArn, permissionSetArn);
  if (!view) return `permission set ${permissionSetArn} does not exist`;
  const boundaryArn = view.boundaryArn(account);
  const policyArns = view.customerPolicies.map((reference) =>
    policyArnOf(call.partition, account, reference),
  );
  for (const arn of [...(boundaryArn ? [boundaryArn] : []), ...policyArns]) {
    if (!(await policyExists(call, context, arn)))
      return `Received a 404 status error: Not supported policy ${arn}.`;
  }
  const iam = { motoUrl: context.motoUrl, service: 'iam', region: call.info.region, account };
  const roleName = reservedRoleName(view.name, permissionSetArn);
  const existing = await motoQuery(iam, 'GetRole', { RoleName: roleName });
  if (existing.status !== 200) {
    await motoQuery(iam, 'CreateRole', {
      RoleName: roleName,
      Path: SSO_ROLE_PATH,
      AssumeRolePolicyDocument: samlTrust(call.partition, account, instanceArn),
      ...(boundaryArn ? { PermissionsBoundary: boundaryArn } : {}),
    });
  } else if (boundaryArn && xmlValue(existing.body, 'PermissionsBoundaryArn') !== boundaryArn) {
    await motoQuery(iam, 'PutRolePermissionsBoundary', {
      RoleName: roleName,
      PermissionsBoundary: boundaryArn,
    });
  } else if (!boundaryArn && xmlValue(existing.body, 'PermissionsBoundaryArn')) {
    await motoQuery(iam, 'DeleteRolePermissionsBoundary', { RoleName: roleName });
  }
  const key = reservedRoleKey(call.partition, account, roleName);
  context.identityCenter.reservedRoles.add(key);
  const before = context.identityCenter.attachedByProvisioning.get(key) ?? new Set<string>();
  for (const arn of policyArns.filter((arn) => !before.has(arn)))
    await motoQuery(iam, 'AttachRolePolicy', { RoleName: roleName, PolicyArn: arn });
  for (const arn of [...before].filter((arn) => !policyArns.includes(arn)))
    await motoQuery(iam, 'DetachRolePolicy', { RoleName: roleName, PolicyArn: arn });
  context.identityCenter.attachedByProvisioning.set(key, new Set(policyArns));
  const accounts = context.identityCenter.provisioned.get(permissionSetArn) ?? new Set<string>();
  context.identityCenter.provisioned.set(permissionSetArn, accounts.add(account));
  return undefined;
}

/** Identity Center roles trust only the instance's SAML provider in the account. */
function samlTrust(partition: string, account: string, instanceArn: string): string {
  const provider = `AWSSSO_${createHash('sha256').update(instanceArn).digest('hex').slice(0, 16)}_DO_NOT_DELETE`;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:${partition}:iam::${account}:saml-provider/${provider}` },
        Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
        Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
      },
    ],
  });
}

export function recordStatus(
  context: FidelityContext,
  permissionSetArn: string,
  failure: { accountId: string; reason: string } | undefined,
): ProvisioningStatus {
  const status: ProvisioningStatus = {
    RequestId: randomUUID(),
    Status: failure ? 'FAILED' : 'SUCCEEDED',
    PermissionSetArn: permissionSetArn,
    CreatedDate: Date.now() / 1000,
    ...(failure ? { AccountId: failure.accountId, FailureReason: failure.reason } : {}),
  };
  context.identityCenter.requests.set(status.RequestId, status);
  return status;
}
