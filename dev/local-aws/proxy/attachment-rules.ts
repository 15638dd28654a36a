import { randomUUID } from 'node:crypto';
import { awsErrorResponse, type ProxyResponse } from './aws-errors.ts';
import type { AwsCall, FidelityContext, FidelityRules } from './fidelity.ts';
import { accountOfArn, iamRead } from './iam-lookups.ts';
import { refuseProtectedRole } from './iam-rules.ts';

// IAM lets a user or role hold 10 attached managed policies unless the account's quota was raised
// (20 at most), and attaching a policy it already holds changes nothing. moto enforces neither: it
// attaches an eleventh, and counts a second attach of the same policy twice (so a DeletePolicy
// after one detach would be refused as still attached). It also lists no one, instead of
// answering NoSuchEntity, for a policy that does not exist.

/** IAM's default quota of managed policies attached to one user or role. */
export const ATTACHED_POLICIES_QUOTA = 10;

interface Holder {
  /** 'Role' or 'User', as in the operation names. */
  kind: 'Role' | 'User';
  name: string;
}

function holderOf(call: AwsCall, kind: Holder['kind']): Holder {
  return { kind, name: call.info.params.get(`${kind}Name`) ?? '' };
}

/** ARNs attached to the holder, or undefined when moto does not know it (it answers NoSuchEntity itself). */
async function attachedArns(call: AwsCall, context: FidelityContext, holder: Holder) {
  const answer = await iamRead(call, context, call.caller.account, `ListAttached${holder.kind}Policies`, {
    [`${holder.kind}Name`]: holder.name,
    MaxItems: '1000',
  });
  if (answer.status !== 200) return undefined;
  return [...answer.body.matchAll(/<PolicyArn>([^<]+)<\/PolicyArn>/g)].map((match) => match[1] ?? '');
}

function attachedAlready(operation: string): ProxyResponse {
  const body = `<${operation}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${operation}Response>`;
  return { status: 200, headers: { 'content-type': 'text/xml' }, body: Buffer.from(body) };
}

function attachWithinQuota(kind: Holder['kind']) {
  return async (call: AwsCall, context: FidelityContext): Promise<ProxyResponse | undefined> => {
    const holder = holderOf(call, kind);
    const attached = await attachedArns(call, context, holder);
    if (attached === undefined) return undefined;
    if (attached.includes(call.info.params.get('PolicyArn') ?? ''))
      return attachedAlready(`Attach${kind}Policy`);
    if (attached.length < ATTACHED_POLICIES_QUOTA) return undefined;
    return awsErrorResponse(call.info.protocol, {
      code: 'LimitExceeded',
      message: `Cannot exceed quota for PoliciesPer${kind}: ${ATTACHED_POLICIES_QUOTA}`,
      status: 409,
    });
  };
}

/** moto's own NoSuchEntity answer to GetPolicy when the policy is missing. */
async function missingPolicy(call: AwsCall, context: FidelityContext): Promise<ProxyResponse | undefined> {
  const policyArn = call.info.params.get('PolicyArn') ?? '';
  const answer = await iamRead(call, context, accountOfArn(policyArn), 'GetPolicy', { PolicyArn: policyArn });
  if (answer.status === 200) return undefined;
  return { status: answer.status, headers: { 'content-type': 'text/xml' }, body: Buffer.from(answer.body) };
}

export const ATTACHMENT_RULES: FidelityRules = {
  'iam:ListEntitiesForPolicy': { before: missingPolicy },
  'iam:AttachRolePolicy': {
    before: async (call, context) =>
      (await refuseProtectedRole(call, context)) ?? attachWithinQuota('Role')(call, context),
  },
  'iam:DetachRolePolicy': { before: refuseProtectedRole },
  'iam:AttachUserPolicy': { before: attachWithinQuota('User') },
};
