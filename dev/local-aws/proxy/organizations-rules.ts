import { accountRootArn } from '#policy/arn.ts';
import type { ProxyResponse } from './aws-errors.ts';
import type { AwsCall, FidelityContext, FidelityRules } from './fidelity.ts';
import { iamRead } from './iam-lookups.ts';

const DEFAULT_ACCESS_ROLE = 'OrganizationAccountAccessRole';

/**
 * Organizations creates the access role in every new account, trusting the management account.
 * moto does too, but only in its `aws` partition IAM and with an `arn:aws:` trust, so in other
 * partitions the role would be missing. Create it where the caller's partition needs it.
 */
async function createAccessRole(call: AwsCall, response: ProxyResponse, context: FidelityContext) {
  if (response.status !== 200) return response;
  const answer = JSON.parse(response.body.toString('utf8')) as {
    CreateAccountStatus?: { AccountId?: string };
  };
  const newAccount = answer.CreateAccountStatus?.AccountId;
  if (!newAccount) return response;
  const request = JSON.parse(call.body.toString('utf8') || '{}') as { RoleName?: string };
  const trust = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: accountRootArn(call.partition, call.caller.account) },
        Action: 'sts:AssumeRole',
      },
    ],
  };
  await iamRead(call, context, newAccount, 'CreateRole', {
    RoleName: request.RoleName ?? DEFAULT_ACCESS_ROLE,
    AssumeRolePolicyDocument: JSON.stringify(trust),
  });
  return response;
}

export const ORGANIZATIONS_RULES: FidelityRules = {
  'organizations:CreateAccount': { after: createAccessRole },
};
