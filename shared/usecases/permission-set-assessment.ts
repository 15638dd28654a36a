/**
 * What one Identity Center permission set needs so that its roles in enrolled accounts carry our
 * boundary, decided from the permission set and the account records alone (no call): shared by the
 * reconciler, the tamper events and `scp-alt status`/`plan`.
 */
import type { AccountRecord, PermissionSet, PolicyReference } from './ports.ts';

/**
 * - `governed`: our boundary (and every additional policy the chain needs) by reference;
 * - `to-bound`: provisioned only to enrolled accounts and lacking some of it: scp-alt sets it;
 * - `outside`: provisioned to no enrolled account: not ours to touch;
 * - `spans-unenrolled`: also provisioned to accounts that are not enrolled, where a reference to our
 *   policy would make provisioning fail: refused and reported (README, Identity Center);
 * - `own-boundary`: carries a boundary that is not ours: refused and reported, never replaced.
 */
export type PermissionSetVerdict = 'governed' | 'to-bound' | 'outside' | 'spans-unenrolled' | 'own-boundary';

export interface PermissionSetAssessment {
  verdict: PermissionSetVerdict;
  enrolledAccounts: string[];
  otherAccounts: string[];
  /** Our boundary is not (or not yet) the permission set's. */
  needsBoundary: boolean;
  /** Additional policies to attach by reference (scp-enforce-policy-2, …). */
  missingReferences: PolicyReference[];
  /**
   * Additional policies some of its enrolled accounts need and others lack: a reference to them
   * would fail provisioning where they are missing, so they are not attached and it is reported.
   */
  unevenReferences: string[];
}

/** Accounts whose records say our policies exist in them. */
export function enrolledAccountIds(records: readonly AccountRecord[]): Set<string> {
  return new Set(records.filter((record) => record.status !== 'DEREGISTERING').map((r) => r.accountId));
}

export function assessPermissionSet(
  set: PermissionSet,
  records: readonly AccountRecord[],
  boundaryName: string,
): PermissionSetAssessment {
  const enrolled = enrolledAccountIds(records);
  const enrolledAccounts = set.accountIds.filter((id) => enrolled.has(id));
  const otherAccounts = set.accountIds.filter((id) => !enrolled.has(id));
  const ours =
    set.boundary?.kind === 'reference' && set.boundary.name === boundaryName && set.boundary.path === '/';
  const { common, uneven } = additionalNames(
    records.filter((record) => enrolledAccounts.includes(record.accountId)),
  );
  const attached = new Set(set.customerPolicies.filter((p) => p.path === '/').map((p) => p.name));
  const missingReferences = common.filter((name) => !attached.has(name)).map((name) => ({ name, path: '/' }));
  const base = {
    enrolledAccounts,
    otherAccounts,
    needsBoundary: !ours,
    missingReferences,
    unevenReferences: uneven,
  };
  if (enrolledAccounts.length === 0) return { ...base, verdict: 'outside' };
  if (otherAccounts.length > 0) return { ...base, verdict: 'spans-unenrolled' };
  if (set.boundary && !ours) return { ...base, verdict: 'own-boundary' };
  return { ...base, verdict: ours && missingReferences.length === 0 ? 'governed' : 'to-bound' };
}

/** The additional policies every one of the accounts holds, and those only some hold. */
function additionalNames(records: readonly AccountRecord[]): { common: string[]; uneven: string[] } {
  const sets = records.map((record) => new Set(record.additionalPolicies.map((extra) => extra.name)));
  const union = [...new Set(sets.flatMap((names) => [...names]))].sort();
  const common = union.filter((name) => sets.every((names) => names.has(name)));
  return { common, uneven: union.filter((name) => !common.includes(name)) };
}

/** `AWSReservedSSO_<permission set name>_<hash>`: the role a permission set provisions. */
export function isRoleOfPermissionSet(roleArn: string, permissionSetName: string): boolean {
  const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
  const suffix = roleName.slice(`AWSReservedSSO_${permissionSetName}_`.length);
  return roleName.startsWith(`AWSReservedSSO_${permissionSetName}_`) && /^[0-9a-f]{16}$/.test(suffix);
}
