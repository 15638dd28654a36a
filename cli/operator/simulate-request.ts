/** Building simulate's input from the command line: the request, its context, the account's chain. */

import { accountOfArn, iamRoleArn, parseArn, parseRoleSessionArn } from '#policy/arn.ts';
import type { ContextValue, EvaluationRequest } from '#policy/evaluate.ts';
import {
  type AccountLocation,
  defaultActionCatalog,
  type PolicySource,
  resolveChain,
} from '#policy/index.ts';
import { NoPolicyAppliesError, PolicyInvalidError } from '#shared/errors.ts';
import type { PolicySnapshot } from '#usecases/compile-account.ts';
import { closestMatch } from '../suggest.ts';
import { UsageError } from './usage-error.ts';

/** `k=v` pairs; a key given twice becomes a multi-valued key (e.g. aws:TagKeys). */
export function parseContext(pairs: string[]): Record<string, ContextValue> {
  const context: Record<string, ContextValue> = {};
  for (const pair of pairs) {
    const split = pair.indexOf('=');
    if (split <= 0) throw new UsageError(`--context '${pair}' is not key=value`);
    const key = pair.slice(0, split);
    const value = pair.slice(split + 1);
    const previous = context[key];
    context[key] = previous === undefined ? value : [previous, value].flat();
  }
  return context;
}

const IAM_PRINCIPAL_ARN = /^arn:[^:]+:iam::(\d{12}):(user|role)\/.+$/;

/** The IAM ARN a principal is known by in conditions: a role session stands for its role. */
export function principalArnOf(principal: string): string {
  const session = parseRoleSessionArn(principal);
  return session ? iamRoleArn(session.partition, session.accountId, session.roleName) : principal;
}

export function defaultPrincipal(partition: string, accountId: string): string {
  return iamRoleArn(partition, accountId, 'scp-alt-simulated-role');
}

/**
 * A request names one real action: a mistyped one would otherwise match no statement and come out
 * allowed. Actions the catalog does not know yet pass with `allowUnknown` (reported as a warning).
 */
export function checkedAction(action: string, allowUnknown: boolean): { action: string; warning?: string } {
  if (!/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(action))
    throw new UsageError(`--action '${action}' is not service:Action (one action, no wildcards)`);
  const [service = '', name = ''] = action.split(':');
  const catalog = defaultActionCatalog();
  const known = catalog.actionsOf(service);
  const exact = known.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  if (exact) return { action: `${service}:${exact}` };
  const nearest = closestMatch(name, known);
  const problem = catalog.hasService(service)
    ? `unknown action '${action}'${nearest ? ` (did you mean '${service}:${nearest}'?)` : ''}`
    : `unknown service '${service}' in '${action}'`;
  if (allowUnknown) return { action, warning: `${problem}; decided as given (--allow-unknown-actions)` };
  throw new UsageError(`${problem}; pass --allow-unknown-actions for an action newer than the catalog`);
}

export interface RequestOptions {
  accountId: string;
  /** Region assumed for aws:RequestedRegion when neither the context nor the resource names one. */
  region: string;
  action: string;
  resource: string;
  principal: string;
  context: Record<string, ContextValue>;
}

/** The request as IAM would see it: the principal's ARN and account are always in the context. */
export function simulationRequest(options: RequestOptions): EvaluationRequest {
  const session = parseRoleSessionArn(options.principal);
  if (!(session && /^\d{12}$/.test(session.accountId)) && !IAM_PRINCIPAL_ARN.test(options.principal))
    throw new UsageError(`--principal '${options.principal}' is not a user, role or role session ARN`);
  const principalArn = principalArnOf(options.principal);
  const known = new Set(Object.keys(options.context).map((key) => key.toLowerCase()));
  const implied: Record<string, ContextValue> = {};
  if (!known.has('aws:principalarn')) implied['aws:PrincipalArn'] = principalArn;
  if (!known.has('aws:principalaccount')) implied['aws:PrincipalAccount'] = accountOfArn(principalArn) ?? '';
  // IAM always sets it: the region of the endpoint called, the resource's own region if it has one.
  if (!known.has('aws:requestedregion'))
    implied['aws:RequestedRegion'] = parseArn(options.resource)?.region || options.region;
  return {
    action: options.action,
    resource: options.resource,
    principalArn: options.principal,
    accountId: options.accountId,
    context: { ...implied, ...options.context },
  };
}

/** The files of every level of the account's chain, read from the snapshot. */
export async function chainSources(
  snapshot: PolicySnapshot,
  location: AccountLocation,
): Promise<{ target: string; sources: PolicySource[] }[]> {
  const objects = await snapshot.objects();
  const chain = resolveChain(
    objects.map((object) => object.key),
    location,
  );
  if (!chain.ok) {
    if (chain.error.code === 'chain.location.invalid') throw new UsageError(chain.error.message);
    if (chain.error.code === 'chain.policy.missing')
      throw new NoPolicyAppliesError(location.accountId, chain.error.message);
    throw new PolicyInvalidError([chain.error]);
  }
  return Promise.all(
    chain.levels.map(async (level) => {
      const read = await Promise.all(level.keys.map((key) => snapshot.read(key)));
      const sources = read
        .filter((source) => source !== undefined)
        .map((source) => ({ key: source.key, body: source.body }));
      return { target: level.target, sources };
    }),
  );
}
