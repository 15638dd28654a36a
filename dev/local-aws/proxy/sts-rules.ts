import { parseArn, resourceNameOf } from '#policy/arn.ts';
import { awsErrorResponse, type ProxyResponse, xmlValue } from './aws-errors.ts';
import type { AwsCall, FidelityContext, FidelityRules } from './fidelity.ts';
import { accountOfArn, iamRead } from './iam-lookups.ts';
import { motoJson } from './moto-client.ts';
import { unreachableAccount } from './organizations-membership.ts';
import { evaluateTrustPolicy } from './trust-policy.ts';

function accessDenied(call: AwsCall, roleArn: string, why: string, action = 'sts:AssumeRole'): ProxyResponse {
  process.stderr.write(`local-aws: AssumeRole ${roleArn} by ${call.caller.principalArn} refused: ${why}\n`);
  return awsErrorResponse(call.info.protocol, {
    code: 'AccessDenied',
    message: `User: ${call.caller.principalArn} is not authorized to perform: ${action} on resource: ${roleArn}`,
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

/**
 * The source identity the new session would carry. STS keeps a source identity through role
 * chaining and refuses to change it; moto knows nothing of either.
 */
function sourceIdentityOf(call: AwsCall): { value?: string; refusal?: string } {
  const asked = call.info.params.get('SourceIdentity') ?? undefined;
  const kept = call.caller.sourceIdentity;
  if (kept && asked && asked !== kept)
    return { refusal: `source identity '${kept}' of the caller's session cannot change to '${asked}'` };
  const value = asked ?? kept;
  return value ? { value } : {};
}

/** moto issues credentials for any RoleArn; IAM first checks that the role exists and trusts the caller. */
async function checkTrust(call: AwsCall, context: FidelityContext): Promise<ProxyResponse | undefined> {
  const roleArn = call.info.params.get('RoleArn') ?? '';
  const { partition, accountId: account = '' } = parseArn(roleArn) ?? {};
  if (partition !== call.partition)
    return accessDenied(call, roleArn, `partition ${partition} is not ${call.partition}`);
  const gone = await unreachableAccount(call, context, account);
  if (gone) return accessDenied(call, roleArn, gone);
  const roleName = resourceNameOf(roleArn);
  const role = await iamRead(call, context, account, 'GetRole', { RoleName: roleName });
  if (role.status !== 200 || xmlValue(role.body, 'Arn') !== roleArn) {
    return accessDenied(call, roleArn, 'no such role');
  }
  const sourceIdentity = sourceIdentityOf(call);
  if (sourceIdentity.refusal) return accessDenied(call, roleArn, sourceIdentity.refusal);
  const trust = decodeURIComponent(xmlValue(role.body, 'AssumeRolePolicyDocument') ?? '');
  const request = {
    principalArn: call.caller.principalArn,
    principalAccount: call.caller.account,
    externalId: call.info.params.get('ExternalId') ?? undefined,
    principalOrgId: /principalorgid/i.test(trust) ? await organizationIdOf(call, context) : undefined,
    ...(sourceIdentity.value ? { sourceIdentity: sourceIdentity.value } : {}),
  };
  const decision = evaluateTrustPolicy(trust, request);
  if (!decision.allowed) return accessDenied(call, roleArn, decision.reason);
  // Setting a source identity, or carrying one into the next role of a chain, needs the trust to
  // allow sts:SetSourceIdentity as well (IAM User Guide, "Monitor and control actions taken with
  // assumed roles").
  if (!sourceIdentity.value) return undefined;
  const setting = evaluateTrustPolicy(trust, request, 'sts:SetSourceIdentity');
  return setting.allowed
    ? undefined
    : accessDenied(call, roleArn, `sts:SetSourceIdentity: ${setting.reason}`, 'sts:SetSourceIdentity');
}

/**
 * Remember whose credentials these are, so the caller of later calls is known without asking moto;
 * and answer with the session's source identity, as STS does (moto leaves it out).
 */
async function rememberSession(call: AwsCall, response: ProxyResponse, context: FidelityContext) {
  const body = response.body.toString('utf8');
  const accessKeyId = xmlValue(body, 'AccessKeyId');
  const roleArn = call.info.params.get('RoleArn') ?? '';
  if (response.status !== 200 || !accessKeyId || !accountOfArn(roleArn)) return response;
  const { value: sourceIdentity } = sourceIdentityOf(call);
  context.callers.rememberAssumedRole(
    accessKeyId,
    roleArn,
    call.info.params.get('RoleSessionName') ?? '',
    sourceIdentity,
  );
  if (!sourceIdentity || body.includes('<SourceIdentity>')) return response;
  const withIdentity = body.replace(
    '</AssumeRoleResult>',
    `<SourceIdentity>${sourceIdentity}</SourceIdentity></AssumeRoleResult>`,
  );
  return { ...response, body: Buffer.from(withIdentity) };
}

export const STS_RULES: FidelityRules = {
  'sts:AssumeRole': { before: checkTrust, after: rememberSession },
};
