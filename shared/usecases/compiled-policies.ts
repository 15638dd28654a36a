/**
 * Writing one account's compiled policies: the boundary scp-enforce-policy and the additional
 * policies scp-enforce-policy-2, … beside it, all with the boundary's call discipline (unchanged
 * content costs no write; IAM's five versions pruned oldest first by the adapter). When more than
 * one policy changes they are written in an order that never loosens (policy/write-order.ts), and
 * a new additional policy is attached to every bounded principal before any statement leaves the
 * policy it was in. Additional policies a chain no longer needs are removed last.
 */
import { resourceNameOf } from '#policy/arn.ts';
import { type ManagedPolicyDocument, policyHash } from '#policy/index.ts';
import { type PolicyChange, strictWriteOrder } from '#policy/write-order.ts';
import { inStep, type PrincipalShortOfPolicies } from '#shared/errors.ts';
import { attachToEveryBoundedPrincipal } from './additional-attachments.ts';
import type { AccountCompilation } from './compile-account.ts';
import type { FlowContext } from './flow-context.ts';
import type { AccountRecord, DeployedPolicy } from './ports.ts';

type Compiled = Extract<AccountCompilation, { ok: true }>;

/**
 * How a writer knows what is deployed: `record`, from the account record's hashes (a policy
 * change: no read); `read`, from each policy's default version (enrollment, reconcile: drift is
 * found); `write-all`, nothing trusted, every policy written (a forced repair).
 */
export type DeployedKnowledge = 'record' | 'read' | 'write-all';

export interface WrittenPolicies {
  boundary: { policyArn: string; versionId: string };
  /** Every additional policy of the compilation as deployed now, in attachment order. */
  additional: DeployedPolicy[];
  /** Policies whose content was written now, in the order written. */
  written: string[];
  /** Additional policies that did not exist before; now attached to every bounded principal. */
  created: string[];
  /** Principals that could not take a new additional policy (attachment quota). */
  short: PrincipalShortOfPolicies[];
}

interface Target {
  name: string;
  document: ManagedPolicyDocument;
  hash: string;
}

export interface DeployedState {
  exists: boolean;
  hash?: string | undefined;
  versionId?: string | undefined;
  document?: ManagedPolicyDocument | undefined;
}

/** The boundary's name, as the IAM port names it. */
export function boundaryNameIn(ctx: FlowContext, accountId: string): string {
  return resourceNameOf(ctx.ports.iam.policyArnFor(accountId));
}

function targetsOf(ctx: FlowContext, accountId: string, compiled: Compiled): Target[] {
  return [
    { name: boundaryNameIn(ctx, accountId), document: compiled.policy, hash: compiled.boundaryHash },
    ...compiled.additionalPolicies.map((extra) => ({
      name: extra.name,
      document: extra.policy,
      hash: extra.hash,
    })),
  ];
}

/** What the record says is deployed; a record from before additional policies knows the boundary's hash as compiledHash. */
function recordedState(record: AccountRecord | undefined, boundaryName: string): Map<string, DeployedState> {
  const state = new Map<string, DeployedState>();
  if (!record) return state;
  const boundaryHash =
    record.boundaryHash ?? (record.additionalPolicies.length === 0 ? record.compiledHash : undefined);
  if (record.boundaryVersionId !== undefined) {
    state.set(boundaryName, { exists: true, hash: boundaryHash, versionId: record.boundaryVersionId });
  }
  for (const extra of record.additionalPolicies) {
    state.set(extra.name, { exists: true, hash: extra.hash, versionId: extra.versionId });
  }
  return state;
}

/** Each named policy's default version, in the order named. */
export async function readDeployedPolicies(
  ctx: FlowContext,
  accountId: string,
  names: string[],
): Promise<Map<string, DeployedState>> {
  const read = await Promise.all(
    names.map(async (name) => {
      const current = await ctx.ports.iam.readBoundaryPolicy(accountId, name);
      const deployed: DeployedState = current
        ? {
            exists: true,
            hash: policyHash(current.document),
            versionId: current.versionId,
            document: current.document,
          }
        : { exists: false };
      return [name, deployed] as const;
    }),
  );
  return new Map(read);
}

/**
 * Writes what differs from what is deployed and returns every policy as deployed afterwards. A
 * write that fails leaves the policies written before it in place: each is a complete, valid
 * compiled policy, and the record (written by the caller afterwards) still names the old state,
 * so the next run writes again.
 */
export async function writeCompiledPolicies(
  ctx: FlowContext,
  accountId: string,
  compiled: Compiled,
  record: AccountRecord | undefined,
  knowledge: DeployedKnowledge,
): Promise<WrittenPolicies> {
  const { iam } = ctx.ports;
  const targets = targetsOf(ctx, accountId, compiled);
  const [boundary] = targets;
  const deployed =
    knowledge === 'read'
      ? await inStep('read-policy', () =>
          readDeployedPolicies(
            ctx,
            accountId,
            targets.map((target) => target.name),
          ),
        )
      : recordedState(record, boundary?.name ?? '');
  const versions = new Map<string, string>();
  const written: string[] = [];
  const write = async (target: Target) => {
    const done = await inStep('write-policy', () =>
      iam.writeBoundaryPolicy(accountId, target.document, {
        policyName: target.name,
        lastVersionId: deployed.get(target.name)?.versionId,
      }),
    );
    versions.set(target.name, done.versionId);
    written.push(target.name);
  };
  const created = targets.filter((target) => target !== boundary && !deployed.get(target.name)?.exists);
  for (const target of created) await write(target);
  const attachedNew = await inStep('attach-additional-policies', () =>
    attachToEveryBoundedPrincipal(
      ctx,
      accountId,
      created.map((target) => target.name),
    ),
  );
  const changed = targets.filter(
    (target) =>
      !created.includes(target) &&
      (knowledge === 'write-all' ||
        !deployed.get(target.name)?.exists ||
        deployed.get(target.name)?.hash !== target.hash),
  );
  for (const name of await writeOrder(ctx, accountId, changed, deployed)) {
    await write(changed.find((target) => target.name === name) as Target);
  }
  const versionOf = (name: string) => versions.get(name) ?? deployed.get(name)?.versionId ?? '';
  return {
    boundary: { policyArn: iam.policyArnFor(accountId), versionId: versionOf(boundary?.name ?? '') },
    additional: targets.slice(1).map((target) => ({
      name: target.name,
      versionId: versionOf(target.name),
      hash: target.hash,
    })),
    written,
    created: created.map((target) => target.name),
    short: attachedNew.short,
  };
}

/** One change needs no order; for more, what is deployed is read unless already known. */
async function writeOrder(
  ctx: FlowContext,
  accountId: string,
  changed: Target[],
  deployed: Map<string, DeployedState>,
): Promise<string[]> {
  if (changed.length < 2) return changed.map((target) => target.name);
  const unknown = changed.filter((target) => deployed.get(target.name)?.document === undefined);
  const read = await inStep('read-policy', () =>
    readDeployedPolicies(
      ctx,
      accountId,
      unknown.map((target) => target.name),
    ),
  );
  const changes: PolicyChange[] = changed.map((target) => ({
    name: target.name,
    before: deployed.get(target.name)?.document ?? read.get(target.name)?.document,
    after: target.document,
  }));
  return strictWriteOrder(changes);
}

/** Additional policies the record names that the compilation no longer has. */
export function droppedAdditionalPolicies(record: AccountRecord | undefined, compiled: Compiled): string[] {
  const kept = new Set(compiled.additionalPolicies.map((extra) => extra.name));
  return (record?.additionalPolicies ?? []).map((extra) => extra.name).filter((name) => !kept.has(name));
}

/**
 * Detaches each named policy from whoever holds it (users, roles, and groups someone attached it
 * to), then deletes it. A policy that does not exist is skipped. Returns the names deleted.
 */
export async function removeAdditionalPolicies(
  ctx: FlowContext,
  accountId: string,
  names: readonly string[],
): Promise<string[]> {
  const { iam } = ctx.ports;
  const removed: string[] = [];
  for (const name of names) {
    const arn = iam.policyArnFor(accountId, name);
    const holders = await iam.listPolicyHolders(accountId, arn);
    if (holders === undefined) continue;
    for (const holder of holders) await iam.detachPolicy(accountId, holder, arn);
    await iam.deleteBoundaryPolicy(accountId, name);
    removed.push(name);
  }
  return removed;
}

/** The record fields that say what is deployed. */
export function deployedFields(
  compiled: Compiled,
  written: WrittenPolicies,
): Pick<
  AccountRecord,
  'policyFileKeys' | 'compiledHash' | 'boundaryHash' | 'boundaryVersionId' | 'additionalPolicies'
> {
  return {
    policyFileKeys: compiled.sources,
    compiledHash: compiled.hash,
    boundaryHash: compiled.boundaryHash,
    boundaryVersionId: written.boundary.versionId,
    additionalPolicies: written.additional,
  };
}

/** One entry per principal, the policies it lacks merged (several steps may each find it short). */
export function shortOfPolicies(...lists: PrincipalShortOfPolicies[][]): PrincipalShortOfPolicies[] {
  const byPrincipal = new Map<string, Set<string>>();
  for (const entry of lists.flat()) {
    const missing = byPrincipal.get(entry.principalArn) ?? new Set<string>();
    for (const name of entry.missing) missing.add(name);
    byPrincipal.set(entry.principalArn, missing);
  }
  return [...byPrincipal.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([principalArn, missing]) => ({ principalArn, missing: [...missing] }));
}
