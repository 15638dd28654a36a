/**
 * Which policy files apply to an account: from a listing of the policy store and the account's
 * place in the organization, the files of each level root → OUs → account. Pure.
 */
import { POLICY_TARGET } from './place-ids.ts';
import {
  type AccountLocation,
  type ChainLevel,
  type ChainResolution,
  POLICY_PREFIX,
  type PolicyFinding,
} from './types.ts';

// Kept here for the callers that import it with the chain helpers.
export { substituteAccountId } from './placeholder.ts';

/** Native SCPs allow at most this many policies attached to one target. */
export const MAX_POLICIES_PER_TARGET = 10;

const ACCOUNT_ID_SHAPE = /^\d{12}$/;

/**
 * The target ('r-ab12', 'ou-ab12-11111111', 'vou-partners', 'account-123456789012') a policy key belongs to:
 * '<prefix><target>.json' or '<prefix><target>/<name>.json'. Undefined for any other key.
 */
export function targetOfKey(key: string): string | undefined {
  if (!key.startsWith(POLICY_PREFIX) || !key.endsWith('.json')) return undefined;
  const parts = key.slice(POLICY_PREFIX.length, -'.json'.length).split('/');
  const [first = ''] = parts;
  if (parts.length === 1) return POLICY_TARGET.test(first) ? first : undefined;
  const name = parts[1] ?? '';
  if (parts.length === 2 && name !== '' && POLICY_TARGET.test(first)) return first;
  return undefined;
}

function chainError(code: string, message: string): ChainResolution {
  const error: PolicyFinding = { severity: 'error', code, file: '', path: '', message };
  return { ok: false, error };
}

function invalidLocation(location: AccountLocation): string | undefined {
  if (!ACCOUNT_ID_SHAPE.test(location.accountId))
    return `account id '${location.accountId}' is not 12 digits`;
  const [root] = location.ouPath;
  if (!root?.startsWith('r-'))
    return `OU path must start with the root id (r-...), got '${location.ouPath.join('/')}'`;
  const bad = location.ouPath.find((target) => !POLICY_TARGET.test(target));
  return bad === undefined ? undefined : `'${bad}' is not a root or OU id`;
}

/** Keys of each level, root first; errors when no level has a file or a target has too many. */
export function resolveChain(keys: string[], location: AccountLocation): ChainResolution {
  const problem = invalidLocation(location);
  if (problem) return chainError('chain.location.invalid', problem);
  const targets = [...location.ouPath, `account-${location.accountId}`];
  const keysByTarget = new Map<string, string[]>();
  for (const key of new Set(keys)) {
    const target = targetOfKey(key);
    if (target !== undefined) keysByTarget.set(target, [...(keysByTarget.get(target) ?? []), key]);
  }
  const levels: ChainLevel[] = targets.map((target) => ({
    target,
    keys: (keysByTarget.get(target) ?? []).sort(),
  }));
  const crowded = levels.find((level) => level.keys.length > MAX_POLICIES_PER_TARGET);
  if (crowded) {
    return chainError(
      'chain.target.too-many-policies',
      `target ${crowded.target} has ${crowded.keys.length} policy files; at most ${MAX_POLICIES_PER_TARGET} may apply to one target`,
    );
  }
  if (levels.every((level) => level.keys.length === 0)) {
    const lookedFor = targets.map(
      (target) => `${POLICY_PREFIX}${target}.json, ${POLICY_PREFIX}${target}/*.json`,
    );
    return chainError(
      'chain.policy.missing',
      `no policy applies to account ${location.accountId} (looked for: ${lookedFor.join('; ')})`,
    );
  }
  return { ok: true, levels };
}
