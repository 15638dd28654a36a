import { randomUUID } from 'node:crypto';
import { type ProxyResponse, xmlValue } from './aws-errors.ts';
import { type AwsCall, type FidelityContext, type FidelityRules, userBoundaryKey } from './fidelity.ts';
import { iamRead } from './iam-lookups.ts';
import { refuseMissingBoundaryPolicy } from './iam-rules.ts';

// moto 5 has no permission boundaries for users (CreateUser ignores the parameter, Put/Delete answer
// 500). The proxy keeps them itself and shows them where IAM does: CreateUser and GetUser.

function keyOf(call: AwsCall, userName: string): string {
  return userBoundaryKey(call.partition, call.caller.account, userName);
}

function boundaryXml(arn: string): string {
  return `<PermissionsBoundary><PermissionsBoundaryType>PermissionsBoundaryPolicy</PermissionsBoundaryType><PermissionsBoundaryArn>${arn}</PermissionsBoundaryArn></PermissionsBoundary>`;
}

function emptyIamResponse(operation: string): ProxyResponse {
  const body = `<${operation}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${operation}Response>`;
  return { status: 200, headers: { 'content-type': 'text/xml' }, body: Buffer.from(body) };
}

/** Show the stored boundary inside the `<User>` element of a successful answer. */
function withBoundary(call: AwsCall, response: ProxyResponse, context: FidelityContext): ProxyResponse {
  if (response.status !== 200) return response;
  const xml = response.body.toString('utf8');
  const userName = xmlValue(xml, 'UserName') ?? '';
  const arn = context.userBoundaries.get(keyOf(call, userName));
  if (!arn) return response;
  return { ...response, body: Buffer.from(xml.replace('</User>', `${boundaryXml(arn)}</User>`)) };
}

/** moto's own NoSuchEntity answer when the user is missing, else undefined. */
async function missingUser(call: AwsCall, context: FidelityContext): Promise<ProxyResponse | undefined> {
  const userName = call.info.params.get('UserName') ?? '';
  const answer = await iamRead(call, context, call.caller.account, 'GetUser', { UserName: userName });
  if (answer.status === 200) return undefined;
  return { status: answer.status, headers: { 'content-type': 'text/xml' }, body: Buffer.from(answer.body) };
}

export const USER_BOUNDARY_RULES: FidelityRules = {
  'iam:CreateUser': {
    before: refuseMissingBoundaryPolicy,
    after: async (call, response, context) => {
      const boundary = call.info.params.get('PermissionsBoundary');
      if (response.status !== 200 || !boundary) return response;
      context.userBoundaries.set(keyOf(call, call.info.params.get('UserName') ?? ''), boundary);
      return withBoundary(call, response, context);
    },
  },
  'iam:GetUser': { after: async (call, response, context) => withBoundary(call, response, context) },
  'iam:PutUserPermissionsBoundary': {
    before: async (call, context) => {
      const refusal =
        (await missingUser(call, context)) ?? (await refuseMissingBoundaryPolicy(call, context));
      if (refusal) return refusal;
      const userName = call.info.params.get('UserName') ?? '';
      context.userBoundaries.set(keyOf(call, userName), call.info.params.get('PermissionsBoundary') ?? '');
      return emptyIamResponse('PutUserPermissionsBoundary');
    },
  },
  'iam:DeleteUserPermissionsBoundary': {
    before: async (call, context) => {
      const refusal = await missingUser(call, context);
      if (refusal) return refusal;
      context.userBoundaries.delete(keyOf(call, call.info.params.get('UserName') ?? ''));
      return emptyIamResponse('DeleteUserPermissionsBoundary');
    },
  },
  'iam:DeleteUser': {
    after: async (call, response, context) => {
      if (response.status === 200)
        context.userBoundaries.delete(keyOf(call, call.info.params.get('UserName') ?? ''));
      return response;
    },
  },
};
