import {
  type AccountLocation,
  type AdditionalPolicy,
  compileBoundary,
  type PolicyDocument,
  type PolicyFinding,
  type PolicySource,
  resolveChain,
} from '#policy/index.ts';
import { type Clock, systemClock } from '#runtime/clock.ts';
import { type ManagementLockoutError, NoPolicyAppliesError, PolicyInvalidError } from '#shared/errors.ts';
import { boundaryParametersFor, type FlowContext } from './flow-context.ts';
import { managementLockout } from './management-account.ts';
import type { PolicyObjectSummary, PolicyStorePort, StoredPolicy } from './ports.ts';

/**
 * One consistent view of the policy store for the length of one use case: the listing is taken
 * once and each file read once, at the version the listing names, however many accounts are
 * compiled from it. A file not in the listing reads as absent.
 */
export interface PolicySnapshot {
  objects(): Promise<PolicyObjectSummary[]>;
  read(key: string): Promise<StoredPolicy | undefined>;
  /**
   * When the listing was asked for (epoch ms; lists first if needed). S3 listings are strongly
   * consistent, so a later listing sees every upload an earlier one saw: this orders snapshots.
   */
  listedAtMs(): Promise<number>;
}

export function policySnapshot(store: PolicyStorePort, now: Clock = systemClock): PolicySnapshot {
  let listing: Promise<PolicyObjectSummary[]> | undefined;
  let listedAt = 0;
  const reads = new Map<string, Promise<StoredPolicy | undefined>>();
  const objects = () => {
    if (!listing) {
      listedAt = now().getTime();
      const pending = store.listPolicyObjects();
      listing = pending;
      // A failed call is forgotten, so a retry of the account asks S3 again.
      pending.catch(() => {
        if (listing === pending) listing = undefined;
      });
    }
    return listing;
  };
  return {
    objects,
    listedAtMs: async () => {
      await objects();
      return listedAt;
    },
    read: (key) => {
      let read = reads.get(key);
      if (!read) {
        // The version the listing saw, never a newer one: a compile is exactly its listing.
        const pending = objects().then((listed) => {
          const object = listed.find((candidate) => candidate.key === key);
          return object ? store.readPolicy(key, object.versionId) : undefined;
        });
        read = pending;
        reads.set(key, pending);
        pending.catch(() => {
          if (reads.get(key) === pending) reads.delete(key);
        });
      }
      return read;
    },
  };
}

export type AccountCompilation =
  | {
      ok: true;
      /** The boundary. */
      policy: PolicyDocument;
      /** Covers the boundary and the additional policies (compiledHash). */
      hash: string;
      /** The boundary alone. */
      boundaryHash: string;
      /** Size of the boundary. */
      size: number;
      /** Deny-only policies attached beside the boundary, in attachment order (often none). */
      additionalPolicies: AdditionalPolicy[];
      /** Keys compiled in, root → account. */
      sources: string[];
      /** Which object contents were compiled (key@etag); compared later to detect newer uploads. */
      fingerprint: string;
      warnings: PolicyFinding[];
    }
  | { ok: false; error: PolicyInvalidError | NoPolicyAppliesError | ManagementLockoutError };

/** Where an account sits, and the customer trails its record names (protected by its boundary). */
export type AccountTarget = AccountLocation & { protectedTrails?: readonly string[] | undefined };

/** Resolves the chain of an account, reads its files and compiles the boundary and additional policies. */
export async function compileForAccount(
  ctx: FlowContext,
  snapshot: PolicySnapshot,
  location: AccountTarget,
): Promise<AccountCompilation> {
  const objects = await snapshot.objects();
  const chain = resolveChain(
    objects.map((object) => object.key),
    location,
  );
  if (!chain.ok) return { ok: false, error: chainError(location.accountId, chain.error) };
  const levels = await Promise.all(
    chain.levels.map(async (level) => {
      const read = await Promise.all(level.keys.map((key) => snapshot.read(key)));
      return { target: level.target, sources: read.filter((source) => source !== undefined) };
    }),
  );
  const sources = levels.flatMap((level) => level.sources);
  // Files deleted between listing and reading must not leave an allow-all boundary behind.
  if (sources.length === 0) {
    return {
      ok: false,
      error: new NoPolicyAppliesError(location.accountId, 'policy files were deleted meanwhile'),
    };
  }
  const outcome = compileBoundary({
    chain: levels.map((level) => ({ target: level.target, sources: level.sources.map(asPolicySource) })),
    params: boundaryParametersFor(ctx.settings, location.accountId, location.protectedTrails),
    maxAdditionalPolicies: ctx.settings.maxAdditionalPolicies,
  });
  if (!outcome.ok) return { ok: false, error: new PolicyInvalidError(outcome.errors) };
  const lockout = await managementLockout(ctx, location.accountId, outcome);
  if (lockout) return { ok: false, error: lockout };
  return {
    ok: true,
    policy: outcome.policy,
    hash: outcome.hash,
    boundaryHash: outcome.boundaryHash,
    size: outcome.size,
    additionalPolicies: outcome.additionalPolicies,
    sources: outcome.sources,
    fingerprint: fingerprintOf(sources),
    warnings: outcome.warnings,
  };
}

/** Fingerprint of the files that a fresh listing says apply to the account now. */
export function currentFingerprint(
  objects: PolicyObjectSummary[],
  location: AccountLocation,
): string | undefined {
  const chain = resolveChain(
    objects.map((object) => object.key),
    location,
  );
  if (!chain.ok) return undefined;
  const keys = new Set(chain.levels.flatMap((level) => level.keys));
  return fingerprintOf(objects.filter((object) => keys.has(object.key)));
}

function fingerprintOf(objects: { key: string; etag: string }[]): string {
  return objects
    .map((object) => `${object.key}@${object.etag}`)
    .sort()
    .join('|');
}

function asPolicySource(stored: StoredPolicy): PolicySource {
  return stored.versionId === undefined
    ? { key: stored.key, body: stored.body }
    : { key: stored.key, body: stored.body, versionId: stored.versionId };
}

function chainError(accountId: string, finding: PolicyFinding): PolicyInvalidError | NoPolicyAppliesError {
  return finding.code === 'chain.policy.missing'
    ? new NoPolicyAppliesError(accountId, finding.message)
    : new PolicyInvalidError([finding]);
}
