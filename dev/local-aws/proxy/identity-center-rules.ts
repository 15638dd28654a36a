import { awsErrorResponse, type ProxyResponse } from './aws-errors.ts';
import type { AwsCall, FidelityContext, FidelityRules } from './fidelity.ts';
import { type PolicyReference, provisionToAccount, recordStatus } from './identity-center.ts';

// Operations moto's sso-admin lacks or gets wrong (identity-center.ts says what is kept and why).

const requestOf = (call: AwsCall) =>
  JSON.parse(call.body.toString('utf8') || '{}') as Record<string, unknown> & {
    InstanceArn?: string;
    PermissionSetArn?: string;
  };
const ok = (value: unknown): ProxyResponse => ({
  status: 200,
  headers: { 'content-type': 'application/x-amz-json-1.1' },
  body: Buffer.from(JSON.stringify(value)),
});
const notFound = (message: string) =>
  awsErrorResponse(
    'json',
    { code: 'ResourceNotFoundException', message, status: 400 },
    'application/x-amz-json-1.1',
  );

async function provision(call: AwsCall, context: FidelityContext, accounts: string[]) {
  const { InstanceArn = '', PermissionSetArn = '' } = requestOf(call);
  for (const account of accounts) {
    const reason = await provisionToAccount(call, context, InstanceArn, PermissionSetArn, account);
    if (reason) return recordStatus(context, PermissionSetArn, { accountId: account, reason });
  }
  return recordStatus(context, PermissionSetArn, undefined);
}

export const IDENTITY_CENTER_RULES: FidelityRules = {
  'sso:PutPermissionsBoundaryToPermissionSet': {
    before: async (call, context) => {
      const request = requestOf(call);
      const boundary = request.PermissionsBoundary as
        | { CustomerManagedPolicyReference?: PolicyReference; ManagedPolicyArn?: string }
        | undefined;
      context.identityCenter.boundaries.set(request.PermissionSetArn ?? '', boundary ?? {});
      return ok({});
    },
  },
  'sso:GetPermissionsBoundaryForPermissionSet': {
    before: async (call, context) => {
      const arn = requestOf(call).PermissionSetArn ?? '';
      const boundary = context.identityCenter.boundaries.get(arn);
      return boundary ? ok({ PermissionsBoundary: boundary }) : notFound(`No permissions boundary on ${arn}`);
    },
  },
  'sso:DeletePermissionsBoundaryFromPermissionSet': {
    before: async (call, context) => {
      context.identityCenter.boundaries.delete(requestOf(call).PermissionSetArn ?? '');
      return ok({});
    },
  },
  // AWS provisions the permission set to the account an assignment names.
  'sso:CreateAccountAssignment': {
    after: async (call, response, context) => {
      if (response.status !== 200) return response;
      const target = String(requestOf(call).TargetId ?? '');
      await provision(call, context, [target]);
      return response;
    },
  },
  'sso:ProvisionPermissionSet': {
    before: async (call, context) => {
      const request = requestOf(call);
      const accounts =
        request.TargetType === 'AWS_ACCOUNT'
          ? [String(request.TargetId ?? '')]
          : context.identityCenter.accountsOf(request.PermissionSetArn ?? '');
      return ok({ PermissionSetProvisioningStatus: await provision(call, context, accounts) });
    },
  },
  'sso:DescribePermissionSetProvisioningStatus': {
    before: async (call, context) => {
      const id = String(requestOf(call).ProvisionPermissionSetRequestId ?? '');
      const status = context.identityCenter.requests.get(id);
      return status
        ? ok({ PermissionSetProvisioningStatus: status })
        : notFound(`No provisioning request ${id}`);
    },
  },
  'sso:ListAccountsForProvisionedPermissionSet': {
    before: async (call, context) =>
      ok({ AccountIds: context.identityCenter.accountsOf(requestOf(call).PermissionSetArn ?? '') }),
  },
  'sso:ListPermissionSetsProvisionedToAccount': {
    before: async (call, context) => {
      const account = String(requestOf(call).AccountId ?? '');
      const arns = [...context.identityCenter.provisioned.entries()]
        .filter(([, accounts]) => accounts.has(account))
        .map(([arn]) => arn);
      return ok({ PermissionSets: arns });
    },
  },
};
