import { parseArn, resourceNameOf } from '#policy/arn.ts';
import { awsErrorResponse, type ProxyResponse, xmlValue } from './aws-errors.ts';
import type { AwsCall, FidelityContext, FidelityRules } from './fidelity.ts';
import { accountOfArn, iamRead } from './iam-lookups.ts';
import { motoJson } from './moto-client.ts';
import { evaluateTrustPolicy } from './trust-policy.ts';

function accessDenied(call: AwsCall, roleArn: string, why: string): ProxyResponse {
  process.stderr.write(`local-aws: AssumeRole ${roleArn} by ${call.caller.principalArn} refused: ${why}\n`);
  return awsErrorResponse(call.info.protocol, {
    code: 'AccessDenied',
    message: `User: ${call.caller.principalArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    status: 403,
  });
}

async function organizationIdOf(call: AwsCall, context: FidelityContext): Promise<string | undefined> {
  const answer = await motoJson(
    {
      motoUrl: context.motoUrl,
      service: 'organizations',
      region: call.info.region,
      account: call.caller.account,
    },
    'AWSOrganizationsV20161128.DescribeOrganization',
    {},
  );
  if (answer.status !== 200) return undefined;
  return (JSON.parse(answer.body) as { Organization?: { Id?: string } }).Organization?.Id;
}

/** moto issues credentials for any RoleArn; IAM first checks that the role exists and trusts the caller. */
async function checkTrust(call: AwsCall, context: FidelityContext): Promise<ProxyResponse | undefined> {
  const roleArn = call.info.params.get('RoleArn') ?? '';
  const { partition, accountId: account = '' } = parseArn(roleArn) ?? {};
  if (partition !== call.partition)
    return accessDenied(call, roleArn, `partition ${partition} is not ${call.partition}`);
  const roleName = resourceNameOf(roleArn);
  const role = await iamRead(call, context, account, 'GetRole', { RoleName: roleName });
  if (role.status !== 200 || xmlValue(role.body, 'Arn') !== roleArn) {
    return accessDenied(call, roleArn, 'no such role');
  }
  const trust = decodeURIComponent(xmlValue(role.body, 'AssumeRolePolicyDocument') ?? '');
  const decision = evaluateTrustPolicy(trust, {
    principalArn: call.caller.principalArn,
    principalAccount: call.caller.account,
    externalId: call.info.params.get('ExternalId') ?? undefined,
    principalOrgId: /principalorgid/i.test(trust) ? await organizationIdOf(call, context) : undefined,
  });
  return decision.allowed ? undefined : accessDenied(call, roleArn, decision.reason);
}

/** Remember whose credentials these are, so the caller of later calls is known without asking moto. */
async function rememberSession(call: AwsCall, response: ProxyResponse, context: FidelityContext) {
  const accessKeyId = xmlValue(response.body.toString('utf8'), 'AccessKeyId');
  const roleArn = call.info.params.get('RoleArn') ?? '';
  if (response.status === 200 && accessKeyId && accountOfArn(roleArn)) {
    context.callers.rememberAssumedRole(accessKeyId, roleArn, call.info.params.get('RoleSessionName') ?? '');
  }
  return response;
}

export const STS_RULES: FidelityRules = {
  'sts:AssumeRole': { before: checkTrust, after: rememberSession },
};
