/**
 * Applying exported native SCPs through Organizations, then (optionally) retiring the emulation.
 * Per target: our policies `scp-alt-<target>-<n>` are created or updated and attached, stale ones
 * of ours detached and deleted, and FullAWSAccess detached last (left attached, it would allow
 * everything the files do not). SCPs of anyone else are left alone and reported.
 */

import type { NativeScpPort, NativeScpSummary } from '#aws/native-scp.ts';
import { targetOfKey } from '#policy/index.ts';
import { errorText, inStep } from '#shared/errors.ts';
import { deregisterAccount } from '#usecases/deregister.ts';
import type { NativeTarget } from '#usecases/export-native.ts';
import type { FlowContext } from '#usecases/flow-context.ts';
import { removedText } from '../format.ts';

export const FULL_AWS_ACCESS_NAME = 'FullAWSAccess';

export interface AppliedTarget {
  target: string;
  targetId: string;
  policies: { name: string; id: string; action: 'created' | 'updated' }[];
  /** Our policies of an earlier export that no longer exist in this one. */
  removed: string[];
  detachedFullAwsAccess: boolean;
  /** SCPs attached to the target that scp-alt did not write. */
  othersAttached: string[];
}

export function nativePolicyName(target: string, index: number): string {
  return `scp-alt-${target}-${index + 1}`;
}

const ours = (target: string) => (policy: NativeScpSummary) => policy.name.startsWith(`scp-alt-${target}-`);

async function writePolicies(port: NativeScpPort, target: NativeTarget, existing: NativeScpSummary[]) {
  const written: AppliedTarget['policies'] = [];
  for (const [index, policy] of target.policies.entries()) {
    const name = nativePolicyName(target.target, index);
    const found = existing.find((candidate) => candidate.name === name);
    if (found) await port.updatePolicy(found.id, policy.text);
    const id =
      found?.id ??
      (await port.createPolicy(
        name,
        `scp-alt export of ${target.sources.join(', ')}`.slice(0, 512),
        policy.text,
      ));
    written.push({ name, id, action: found ? 'updated' : 'created' });
  }
  return written;
}

async function applyTarget(
  port: NativeScpPort,
  target: NativeTarget,
  existing: NativeScpSummary[],
  maxPerTarget: number,
): Promise<AppliedTarget> {
  const written = await writePolicies(port, target, existing);
  let attached = await port.policiesAttachedTo(target.targetId);
  const fullAccess = () => attached.find((policy) => policy.name === FULL_AWS_ACCESS_NAME);
  let detachedFullAwsAccess = false;
  for (const policy of written) {
    if (attached.some((candidate) => candidate.id === policy.id)) continue;
    const full = fullAccess();
    // At the quota, FullAWSAccess makes room; never earlier, so the target is never left with less.
    if (attached.length >= maxPerTarget && full) {
      await port.detachPolicy(full.id, target.targetId);
      detachedFullAwsAccess = true;
    }
    await port.attachPolicy(policy.id, target.targetId);
    attached = await port.policiesAttachedTo(target.targetId);
  }
  const stale = existing
    .filter(ours(target.target))
    .filter((policy) => !written.some((w) => w.id === policy.id));
  for (const policy of stale) {
    await port.detachPolicy(policy.id, target.targetId);
    await port.deletePolicy(policy.id);
  }
  const full = fullAccess();
  if (full) {
    await port.detachPolicy(full.id, target.targetId);
    detachedFullAwsAccess = true;
  }
  const othersAttached = attached
    .filter((policy) => policy.name !== FULL_AWS_ACCESS_NAME && !ours(target.target)(policy))
    .map((policy) => policy.name);
  return {
    target: target.target,
    targetId: target.targetId,
    policies: written,
    removed: stale.map((policy) => policy.name),
    detachedFullAwsAccess,
    othersAttached,
  };
}

/** One Organizations change `--apply` would make, for the preview it shows before asking. */
export interface NativeChange {
  targetId: string;
  action: 'create' | 'update' | 'attach' | 'detach' | 'delete' | 'keep';
  policy: string;
}

/**
 * What applyNativeScps would do, from read-only calls: the same decisions per target (create or
 * update ours, attach what is not attached, remove our stale ones, detach FullAWSAccess), and the
 * SCPs of others that stay attached.
 */
export async function previewNativeChanges(
  port: NativeScpPort,
  targets: NativeTarget[],
): Promise<NativeChange[]> {
  const existing = await port.listPolicies();
  const changes: NativeChange[] = [];
  for (const target of [...targets].sort(
    (a, b) => rank(a.target) - rank(b.target) || a.target.localeCompare(b.target),
  )) {
    const { targetId } = target;
    const attached = await port.policiesAttachedTo(targetId);
    const names = target.policies.map((_, index) => nativePolicyName(target.target, index));
    for (const name of names) {
      const found = existing.find((candidate) => candidate.name === name);
      changes.push({ targetId, action: found ? 'update' : 'create', policy: name });
      if (!found || !attached.some((policy) => policy.id === found.id))
        changes.push({ targetId, action: 'attach', policy: name });
    }
    for (const stale of existing
      .filter(ours(target.target))
      .filter((policy) => !names.includes(policy.name))) {
      changes.push(
        { targetId, action: 'detach', policy: stale.name },
        { targetId, action: 'delete', policy: stale.name },
      );
    }
    for (const policy of attached.filter((candidate) => !ours(target.target)(candidate)))
      changes.push({
        targetId,
        action: policy.name === FULL_AWS_ACCESS_NAME ? 'detach' : 'keep',
        policy: policy.name,
      });
  }
  return changes;
}

export async function applyNativeScps(
  port: NativeScpPort,
  targets: NativeTarget[],
  maxPerTarget: number,
  onDone: (applied: AppliedTarget) => void = () => {},
): Promise<AppliedTarget[]> {
  const existing = await port.listPolicies();
  const applied: AppliedTarget[] = [];
  // One target at a time, root first: a failure leaves the remaining targets as they were.
  const ordered = [...targets].sort(
    (a, b) => rank(a.target) - rank(b.target) || a.target.localeCompare(b.target),
  );
  for (const target of ordered) {
    const result = await inStep(`apply native SCPs to ${target.targetId}`, () =>
      applyTarget(port, target, existing, maxPerTarget),
    );
    applied.push(result);
    onDone(result);
  }
  return applied;
}

function rank(target: string): number {
  return target.startsWith('r-') ? 0 : target.startsWith('ou-') ? 1 : 2;
}

export interface RetiredAccount {
  accountId: string;
  outcome: 'retired' | 'kept' | 'failed';
  reason: string;
}

/**
 * Deregisters every enrolled account whose chain now carries native SCPs on each target that has
 * files: only then does native enforcement replace all the emulation did.
 */
export async function retireEmulation(ctx: FlowContext, applied: AppliedTarget[]): Promise<RetiredAccount[]> {
  const done = new Set(applied.map((target) => target.target));
  const records = await ctx.ports.accounts.listAll();
  const results: RetiredAccount[] = [];
  for (const record of records.sort((a, b) => a.accountId.localeCompare(b.accountId))) {
    const chain = [...record.ouPath, `account-${record.accountId}`];
    const covered = chain.filter((target) => done.has(target));
    const missing = record.policyFileKeys.filter((key) => !done.has(targetOfKey(key) ?? ''));
    if (covered.length === 0 || missing.length > 0) {
      const reason =
        covered.length === 0 ? 'no native SCP applies to its chain' : `not exported: ${missing.join(', ')}`;
      results.push({ accountId: record.accountId, outcome: 'kept', reason });
      continue;
    }
    try {
      const removed = await deregisterAccount(ctx, record.accountId);
      results.push({
        accountId: record.accountId,
        outcome: 'retired',
        reason: `boundary removed from ${removed.detached} principal(s)${removedText(removed.additionalPoliciesRemoved)}`,
      });
    } catch (error) {
      results.push({ accountId: record.accountId, outcome: 'failed', reason: errorText(error) });
    }
  }
  return results;
}
