import { parseArn } from '#policy/arn.ts';
import { xmlValue } from './aws-errors.ts';
import type { AwsCall, FidelityContext } from './fidelity.ts';
import { motoQuery } from './moto-client.ts';

/** IAM reads the rules need, made directly against moto in the account of an ARN or of the caller. */
export async function iamRead(
  call: AwsCall,
  context: FidelityContext,
  account: string,
  action: string,
  params: Record<string, string>,
) {
  return motoQuery(
    { motoUrl: context.motoUrl, service: 'iam', region: call.info.region, account },
    action,
    params,
  );
}

export function accountOfArn(arn: string): string {
  return parseArn(arn)?.accountId ?? '';
}

export async function policyExists(
  call: AwsCall,
  context: FidelityContext,
  policyArn: string,
): Promise<boolean> {
  const answer = await iamRead(call, context, accountOfArn(policyArn), 'GetPolicy', { PolicyArn: policyArn });
  return answer.status === 200;
}

/** Names of every role in the account (follows ListRoles pagination). */
export async function listRoleNames(
  call: AwsCall,
  context: FidelityContext,
  account: string,
): Promise<string[]> {
  const names: string[] = [];
  let marker: string | undefined;
  do {
    const answer = await iamRead(call, context, account, 'ListRoles', {
      MaxItems: '1000',
      ...(marker ? { Marker: marker } : {}),
    });
    names.push(...[...answer.body.matchAll(/<RoleName>([^<]+)<\/RoleName>/g)].map((match) => match[1] ?? ''));
    marker = xmlValue(answer.body, 'IsTruncated') === 'true' ? xmlValue(answer.body, 'Marker') : undefined;
  } while (marker);
  return names;
}

export async function roleBoundaryArn(
  call: AwsCall,
  context: FidelityContext,
  account: string,
  roleName: string,
): Promise<string | undefined> {
  const answer = await iamRead(call, context, account, 'GetRole', { RoleName: roleName });
  return xmlValue(answer.body, 'PermissionsBoundaryArn');
}
