/** How findings look on a terminal: one line each, file and path first so editors can jump. */
import type { PolicyFinding } from '#policy/types.ts';

export function formatFinding(finding: PolicyFinding): string {
  const where = [finding.file, finding.path].filter((part) => part !== '').join(' ');
  return `${finding.severity} ${finding.code}${where ? ` at ${where}` : ''}: ${finding.message}`;
}

export function formatFindings(findings: PolicyFinding[]): string {
  return findings.map((finding) => `${formatFinding(finding)}\n`).join('');
}

/** Message of a thrown value, for usage errors. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `; scp-enforce-policy-2, scp-enforce-policy-3 detached and deleted`, or nothing when there were none. */
export function removedText(names: readonly string[]): string {
  return names.length === 0 ? '' : `; ${names.join(', ')} detached and deleted`;
}
