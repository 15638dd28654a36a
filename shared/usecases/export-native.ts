/**
 * From the policy store's files to native SCPs per target (root, OU, account). Account files get
 * their `<ACCOUNT_ID>` substituted; an OU or root file using the placeholder is an error naming
 * the file: one native SCP serves every account below its target and has no such variable, and
 * rewriting it to a policy variable would be a guess at the author's intent. Pure.
 */
import { canonicalJson } from '#policy/hash.ts';
import {
  type NativePolicy,
  type NativeQuotas,
  packStatements,
  type SourcedNativeStatement,
} from '#policy/native-pack.ts';
import { substituteAccountId, targetOfKey } from '#policy/resolve-chain.ts';
import type { ActionCatalog, PolicyFinding, PolicySource } from '#policy/types.ts';
import { readPolicy } from '#policy/validate.ts';
import { isVirtualOu } from '#policy/virtual-ou.ts';

export interface NativeTarget {
  /** 'r-ab12', 'ou-ab12-11111111' or 'account-123456789012' as in the bucket. */
  target: string;
  /** What Organizations attaches to: the root, OU or account id. */
  targetId: string;
  sources: string[];
  policies: NativePolicy[];
}

export type NativeExportOutcome =
  | { ok: true; targets: NativeTarget[]; warnings: PolicyFinding[] }
  | { ok: false; errors: PolicyFinding[]; warnings: PolicyFinding[] };

export interface NativeExportOptions {
  allowUnknownActions?: boolean;
  catalog?: ActionCatalog;
  /** Accounts outside the organization (StandaloneAccountIds): no native SCP reaches them. */
  standaloneAccountIds?: readonly string[];
}

const PLACEHOLDER = '<ACCOUNT_ID>';

export function targetIdOf(target: string): string {
  return target.startsWith('account-') ? target.slice('account-'.length) : target;
}

function finding(
  code: string,
  file: string,
  message: string,
  severity: 'error' | 'warning' = 'error',
): PolicyFinding {
  return { severity, code, file, path: '', message };
}

function groupByTarget(sources: PolicySource[]): Map<string, PolicySource[]> {
  const groups = new Map<string, PolicySource[]>();
  for (const source of [...sources].sort((a, b) => a.key.localeCompare(b.key))) {
    const target = targetOfKey(source.key);
    if (target !== undefined) groups.set(target, [...(groups.get(target) ?? []), source]);
  }
  return groups;
}

interface TargetStatements {
  items: SourcedNativeStatement[];
  errors: PolicyFinding[];
  warnings: PolicyFinding[];
}

function statementsOfTarget(
  target: string,
  sources: PolicySource[],
  options: NativeExportOptions,
): TargetStatements {
  const result: TargetStatements = { items: [], errors: [], warnings: [] };
  const seen = new Set<string>();
  for (const source of sources) {
    if (!target.startsWith('account-') && source.body.includes(PLACEHOLDER)) {
      result.errors.push(
        finding(
          'native.placeholder.unsupported',
          source.key,
          `${PLACEHOLDER} is replaced per account by scp-alt, but a native SCP on ${target} is one document for every account below it; move the statement to account files or condition it on aws:PrincipalAccount`,
        ),
      );
      continue;
    }
    const body = substituteAccountId(source.body, targetIdOf(target));
    const read = readPolicy({ key: source.key, body }, options);
    // The validator warns against a fixed native size; export checks the configured quota itself.
    result.warnings.push(...read.warnings.filter((warning) => warning.code !== 'policy.size.native-limit'));
    if (!read.ok) {
      result.errors.push(...read.errors);
      continue;
    }
    for (const statement of read.policy.statements) {
      // The same statement in two files of one target counts once.
      const key = canonicalJson({ ...statement.original, Sid: undefined });
      if (seen.has(key)) continue;
      seen.add(key);
      result.items.push({ statement: statement.original, file: source.key, path: statement.path });
    }
  }
  if (result.errors.length === 0 && !result.items.some((item) => item.statement.Effect === 'Allow')) {
    result.warnings.push(
      finding(
        'native.target.no-allow',
        sources[0]?.key ?? '',
        `${target} has no Allow statement: every request below it is denied (as scp-alt enforces it too)`,
        'warning',
      ),
    );
  }
  return result;
}

/** A virtual OU, or a standalone account's own files. */
function beyondNative(target: string, options: NativeExportOptions): boolean {
  if (isVirtualOu(target)) return true;
  return target.startsWith('account-') && (options.standaloneAccountIds ?? []).includes(targetIdOf(target));
}

export function exportNativeScps(
  sources: PolicySource[],
  quotas: NativeQuotas,
  options: NativeExportOptions = {},
): NativeExportOutcome {
  const targets: NativeTarget[] = [];
  const errors: PolicyFinding[] = [];
  const warnings: PolicyFinding[] = [];
  for (const [target, targetSources] of groupByTarget(sources)) {
    if (beyondNative(target, options)) {
      warnings.push(
        finding(
          'native.target.outside-organization',
          targetSources[0]?.key ?? '',
          `${target} governs standalone accounts, outside the organization: no native SCP reaches them, so its files are not exported and scp-alt keeps enforcing them`,
          'warning',
        ),
      );
      continue;
    }
    const read = statementsOfTarget(target, targetSources, options);
    warnings.push(...read.warnings);
    errors.push(...read.errors);
    if (read.errors.length > 0) continue;
    const packed = packStatements(target, read.items, quotas);
    if (!packed.ok) {
      errors.push(
        ...packed.errors.map((error) =>
          error.file ? error : { ...error, file: targetSources[0]?.key ?? '' },
        ),
      );
      continue;
    }
    targets.push({
      target,
      targetId: targetIdOf(target),
      sources: targetSources.map((s) => s.key),
      policies: packed.policies,
    });
  }
  return errors.length > 0 ? { ok: false, errors, warnings } : { ok: true, targets, warnings };
}
