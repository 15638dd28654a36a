/** Content hash of a compiled policy: lets the dispatcher skip accounts whose boundary is unchanged. */
import { createHash } from 'node:crypto';
import type { ManagedPolicyDocument, PolicyDocument } from './types.ts';

/** JSON with object keys sorted at every depth, so key order never changes the hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 hex of the canonical JSON of the document. */
export function policyHash(document: ManagedPolicyDocument): string {
  return createHash('sha256').update(canonicalJson(document)).digest('hex');
}

/**
 * One hash over the boundary and its additional policies (names included): a change in any of
 * them changes it. With no additional policy it is the boundary's own hash, so a chain that fits
 * keeps the hash it had before additional policies existed (and costs no write on upgrade).
 */
export function compiledPoliciesHash(
  boundary: PolicyDocument,
  additional: readonly { name: string; policy: PolicyDocument }[],
): string {
  if (additional.length === 0) return policyHash(boundary);
  const parts = { boundary, additional: additional.map(({ name, policy }) => ({ name, policy })) };
  return createHash('sha256').update(canonicalJson(parts)).digest('hex');
}
