/**
 * Membership changes moto does not model. moto has no invitations (InviteAccountToOrganization,
 * AcceptHandshake) and cannot take an existing account id into an organization, so an account that
 * accepts an invitation is kept here and added to moto's answers (DescribeAccount, ListParents,
 * ListAccountsForParent, ListAccounts, MoveAccount, RemoveAccountFromOrganization, CloseAccount).
 * And what follows from leaving or closing is enforced at AssumeRole (sts-rules.ts): the management
 * role may assume roles only inside its organization (aws:ResourceOrgID in
 * templates/management-role.yaml), and nobody signs in to a closed account.
 */
import { randomUUID } from 'node:crypto';
import { awsErrorResponse, type ProxyResponse } from './aws-errors.ts';
import type { AwsCall, FidelityContext, FidelityRules } from './fidelity.ts';
import { motoJson } from './moto-client.ts';

interface JoinedAccount {
  accountId: string;
  parentId: string;
  state: 'ACTIVE' | 'SUSPENDED';
  joinedAt: number;
}

interface Handshake {
  id: string;
  organizationId: string;
  /** The management account that sent it. */
  masterAccountId: string;
  accountId: string;
  state: 'OPEN' | 'ACCEPTED';
}

/** What this module remembers between calls; cleared with moto. */
export class MembershipOverlay {
  readonly joined = new Map<string, JoinedAccount>();
  readonly handshakes = new Map<string, Handshake>();
  /** Accounts that left an organization (removed, or left by themselves). */
  readonly departed = new Set<string>();

  clear(): void {
    this.joined.clear();
    this.handshakes.clear();
    this.departed.clear();
  }
}

const ORGANIZATIONS_TARGET = 'AWSOrganizationsV20161128';
const requestOf = (call: AwsCall) =>
  JSON.parse(call.body.toString('utf8') || '{}') as Record<string, unknown>;
const ok = (value: unknown): ProxyResponse => ({
  status: 200,
  headers: { 'content-type': 'application/x-amz-json-1.1' },
  body: Buffer.from(JSON.stringify(value)),
});
const refuse = (code: string, message: string, status = 400) =>
  awsErrorResponse('json', { code, message, status }, 'application/x-amz-json-1.1');

async function organizationsCall(
  call: AwsCall,
  context: FidelityContext,
  account: string,
  op: string,
  input: unknown,
) {
  const target = { motoUrl: context.motoUrl, service: 'organizations', region: call.info.region, account };
  const answer = await motoJson(target, `${ORGANIZATIONS_TARGET}.${op}`, input);
  return answer.status === 200 ? (JSON.parse(answer.body) as Record<string, unknown>) : undefined;
}

function describe(account: JoinedAccount, partition: string, organizationId: string, master: string) {
  return {
    Id: account.accountId,
    Arn: `arn:${partition}:organizations::${master}:account/${organizationId}/${account.accountId}`,
    Email: `${account.accountId}@example.com`,
    Name: `invited-${account.accountId}`,
    Status: account.state,
    State: account.state,
    JoinedMethod: 'INVITED',
    JoinedTimestamp: account.joinedAt,
  };
}

async function invite(call: AwsCall, context: FidelityContext): Promise<ProxyResponse> {
  const target = requestOf(call).Target as { Type?: string; Id?: string } | undefined;
  if (target?.Type !== 'ACCOUNT' || !/^\d{12}$/.test(target.Id ?? ''))
    return refuse('InvalidInputException', 'the local stack invites accounts by id only');
  const organization = (
    await organizationsCall(call, context, call.caller.account, 'DescribeOrganization', {})
  )?.Organization as { Id?: string } | undefined;
  if (!organization?.Id) return refuse('AWSOrganizationsNotInUseException', 'no organization');
  const handshake: Handshake = {
    id: `h-${randomUUID().replace(/-/g, '').slice(0, 20)}`,
    organizationId: organization.Id,
    masterAccountId: call.caller.account,
    accountId: target.Id ?? '',
    state: 'OPEN',
  };
  context.membership.handshakes.set(handshake.id, handshake);
  return ok({ Handshake: handshakeOf(handshake, call.partition) });
}

function handshakeOf(handshake: Handshake, partition: string) {
  return {
    Id: handshake.id,
    Arn: `arn:${partition}:organizations::${handshake.masterAccountId}:handshake/${handshake.organizationId}/invite/${handshake.id}`,
    Action: 'INVITE',
    State: handshake.state,
    Parties: [
      { Id: handshake.organizationId, Type: 'ORGANIZATION' },
      { Id: handshake.accountId, Type: 'ACCOUNT' },
    ],
  };
}

async function accept(call: AwsCall, context: FidelityContext): Promise<ProxyResponse> {
  const handshake = context.membership.handshakes.get(String(requestOf(call).HandshakeId ?? ''));
  if (!handshake) return refuse('HandshakeNotFoundException', 'no such handshake');
  if (handshake.accountId !== call.caller.account)
    return refuse('AccessDeniedException', 'only the invited account accepts', 403);
  const roots = await organizationsCall(call, context, handshake.masterAccountId, 'ListRoots', {});
  const rootId = (roots?.Roots as { Id?: string }[] | undefined)?.[0]?.Id ?? '';
  handshake.state = 'ACCEPTED';
  context.membership.departed.delete(handshake.accountId);
  context.membership.joined.set(handshake.accountId, {
    accountId: handshake.accountId,
    parentId: rootId,
    state: 'ACTIVE',
    joinedAt: Date.now() / 1000,
  });
  return ok({ Handshake: handshakeOf(handshake, call.partition) });
}

/** Answers for an account that joined by invitation; undefined lets moto answer. */
function joinedOnly(
  answer: (
    account: JoinedAccount,
    call: AwsCall,
    context: FidelityContext,
  ) => Promise<ProxyResponse> | ProxyResponse,
  field: string,
) {
  return async (call: AwsCall, context: FidelityContext) => {
    const account = context.membership.joined.get(String(requestOf(call)[field] ?? ''));
    return account ? answer(account, call, context) : undefined;
  };
}

async function organizationOf(call: AwsCall, context: FidelityContext) {
  const organization = (
    await organizationsCall(call, context, call.caller.account, 'DescribeOrganization', {})
  )?.Organization as { Id?: string; MasterAccountId?: string } | undefined;
  return { id: organization?.Id ?? '', master: organization?.MasterAccountId ?? call.caller.account };
}

/** Adds the invited accounts of `parentId` to moto's last page of accounts. */
async function withJoined(
  call: AwsCall,
  response: ProxyResponse,
  context: FidelityContext,
  parentId?: string,
) {
  if (response.status !== 200) return response;
  const answer = JSON.parse(response.body.toString('utf8')) as { Accounts?: unknown[]; NextToken?: string };
  if (answer.NextToken) return response;
  const { id, master } = await organizationOf(call, context);
  const extra = [...context.membership.joined.values()]
    .filter((account) => parentId === undefined || account.parentId === parentId)
    .map((account) => describe(account, call.partition, id, master));
  if (extra.length === 0) return response;
  return ok({ ...answer, Accounts: [...(answer.Accounts ?? []), ...extra] });
}

/** moto forgets a removed account; the proxy remembers it left, for AssumeRole. */
async function recordDeparture(call: AwsCall, response: ProxyResponse, context: FidelityContext) {
  if (response.status === 200) context.membership.departed.add(String(requestOf(call).AccountId ?? ''));
  return response;
}

export const MEMBERSHIP_RULES: FidelityRules = {
  'organizations:InviteAccountToOrganization': { before: invite },
  'organizations:AcceptHandshake': { before: accept },
  'organizations:DescribeAccount': {
    before: joinedOnly(async (account, call, context) => {
      const { id, master } = await organizationOf(call, context);
      return ok({ Account: describe(account, call.partition, id, master) });
    }, 'AccountId'),
  },
  'organizations:ListParents': {
    before: joinedOnly(
      (account) =>
        ok({
          Parents: [
            {
              Id: account.parentId,
              Type: account.parentId.startsWith('r-') ? 'ROOT' : 'ORGANIZATIONAL_UNIT',
            },
          ],
        }),
      'ChildId',
    ),
  },
  'organizations:MoveAccount': {
    before: joinedOnly((account, call) => {
      const request = requestOf(call);
      if (request.SourceParentId !== account.parentId)
        return refuse('SourceParentNotFoundException', 'the account is not in the source parent');
      account.parentId = String(request.DestinationParentId ?? '');
      return ok({});
    }, 'AccountId'),
  },
  'organizations:RemoveAccountFromOrganization': {
    before: joinedOnly((account, _call, context) => {
      context.membership.joined.delete(account.accountId);
      context.membership.departed.add(account.accountId);
      return ok({});
    }, 'AccountId'),
    after: recordDeparture,
  },
  'organizations:CloseAccount': {
    before: joinedOnly((account) => {
      account.state = 'SUSPENDED';
      return ok({});
    }, 'AccountId'),
  },
  'organizations:ListAccountsForParent': {
    after: (call, response, context) =>
      withJoined(call, response, context, String(requestOf(call).ParentId ?? '')),
  },
  'organizations:ListAccounts': { after: (call, response, context) => withJoined(call, response, context) },
};

/**
 * Why a principal of another account may not assume a role in `account`: it left the organization
 * (the management role is limited to aws:ResourceOrgID) or it is closed. Undefined when it may.
 */
export async function unreachableAccount(
  call: AwsCall,
  context: FidelityContext,
  account: string,
): Promise<string | undefined> {
  if (account === call.caller.account) return undefined;
  if (context.membership.departed.has(account)) return `account ${account} is no longer in the organization`;
  const joined = context.membership.joined.get(account);
  if (joined) return joined.state === 'ACTIVE' ? undefined : `account ${account} is closed`;
  const organization = (await organizationsCall(call, context, account, 'DescribeOrganization', {}))
    ?.Organization as { MasterAccountId?: string } | undefined;
  if (!organization?.MasterAccountId) return undefined;
  const described = await organizationsCall(call, context, organization.MasterAccountId, 'DescribeAccount', {
    AccountId: account,
  });
  const state = (described?.Account as { State?: string; Status?: string } | undefined)?.State;
  return state && state !== 'ACTIVE' ? `account ${account} is closed (${state})` : undefined;
}
