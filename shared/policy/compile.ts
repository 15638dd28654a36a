/**
 * compileBoundary: the SCP chain of one account → one IAM managed policy used as permissions
 * boundary, following DESIGN.md "Semantics we promise": Allow *; the complement of each level's
 * allows as explicit Deny; every Deny as written; the protective denies. Pure and deterministic.
 */
import { complementOfLevel, type SourcedStatement } from './complement.ts';
import { policyHash } from './hash.ts';
import { mergeStatementsDifferingInActions, withoutSids, withUniqueSids } from './merge.ts';
import type { NormalisedPolicy, NormalisedStatement } from './parse.ts';
import { protectiveStatements } from './protective.ts';
import { substituteAccountId } from './resolve-chain.ts';
import { policySize } from './size.ts';
import {
  type CompileInput,
  type CompileOutcome,
  IAM_MANAGED_POLICY_SIZE_LIMIT,
  type PolicyDocument,
  type PolicyFinding,
} from './types.ts';
import { readPolicy } from './validate.ts';

interface ReadLevel {
  target: string;
  files: string[];
  policies: NormalisedPolicy[];
}

const ALLOW_ALL: SourcedStatement = {
  statement: { Sid: 'ScpAltAllowAll', Effect: 'Allow', Action: '*', Resource: '*' },
  origins: [],
};

function readLevels(input: CompileInput): {
  levels: ReadLevel[];
  errors: PolicyFinding[];
  warnings: PolicyFinding[];
} {
  const errors: PolicyFinding[] = [];
  const warnings: PolicyFinding[] = [];
  const options = {
    allowUnknownActions: input.allowUnknownActions ?? false,
    ...(input.catalog ? { catalog: input.catalog } : {}),
  };
  const levels = input.chain.map(({ target, sources }) => {
    const ordered = [...sources].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const policies: NormalisedPolicy[] = [];
    for (const source of ordered) {
      const body = substituteAccountId(source.body, input.params.accountId);
      const read = readPolicy({ ...source, body }, options);
      warnings.push(...read.warnings);
      if (read.ok) policies.push(read.policy);
      else errors.push(...read.errors);
    }
    return { target, files: ordered.map((source) => source.key), policies };
  });
  return { levels, errors, warnings };
}

/** 'ou-ab12-11111111' → 'Ouab1211111111': Sids accept letters and digits only. */
function sidPart(target: string): string {
  const letters = target.replace(/[^A-Za-z0-9]/g, '');
  return letters.charAt(0).toUpperCase() + letters.slice(1);
}

function statementsOf(level: ReadLevel, effect: 'Allow' | 'Deny'): NormalisedStatement[] {
  return level.policies.flatMap((policy) =>
    policy.statements.filter((statement) => statement.effect === effect),
  );
}

function levelRestrictions(levels: ReadLevel[]): {
  statements: SourcedStatement[];
  errors: PolicyFinding[];
  warnings: PolicyFinding[];
} {
  const statements: SourcedStatement[] = [];
  const errors: PolicyFinding[] = [];
  const warnings: PolicyFinding[] = [];
  for (const level of levels.filter((candidate) => candidate.files.length > 0)) {
    const allows = statementsOf(level, 'Allow');
    if (allows.length === 0) {
      warnings.push({
        severity: 'warning',
        code: 'compile.level.allows-nothing',
        file: level.files.join(', '),
        path: '',
        message: `no policy of ${level.target} has an Allow statement, so every request is denied (as a native SCP would)`,
      });
    }
    const complement = complementOfLevel(allows, level.files);
    if (!complement.ok) {
      errors.push(...complement.errors);
      continue;
    }
    complement.statements.forEach(({ statement, origins }, index) => {
      const sid = `ScpAltAllowedBy${sidPart(level.target)}${index === 0 ? '' : `Part${index + 1}`}`;
      statements.push({ statement: { Sid: sid, ...statement }, origins });
    });
  }
  return { statements, errors, warnings };
}

function writtenDenies(levels: ReadLevel[]): SourcedStatement[] {
  return levels.flatMap((level) =>
    statementsOf(level, 'Deny').map((deny) => ({
      statement: structuredClone(deny.original),
      origins: [deny.file],
    })),
  );
}

function documentOf(statements: SourcedStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements.map(({ statement }) => statement) };
}

function oversize(statements: SourcedStatement[], size: number): PolicyFinding {
  const byFile = new Map<string, number>();
  for (const { statement, origins } of statements) {
    for (const file of origins)
      byFile.set(file, (byFile.get(file) ?? 0) + policySize(JSON.stringify(statement)));
  }
  const largest = [...byFile.entries()]
    .sort(([fileA, a], [fileB, b]) => b - a || (fileA < fileB ? -1 : 1))
    .slice(0, 3);
  const named = largest.map(([file, chars]) => `${file} (${chars} characters)`).join(', ');
  return {
    severity: 'error',
    code: 'compile.size.exceeded',
    file: largest[0]?.[0] ?? '',
    path: '',
    message: `the compiled boundary is ${size} characters, over the IAM managed policy limit of 6,144; largest contributing files: ${named || 'none'}`,
  };
}

/** Merges, then drops Sids only if still too large; errors when even that does not fit. */
function fitToSizeLimit(
  statements: SourcedStatement[],
): { ok: true; document: PolicyDocument; size: number } | { ok: false; error: PolicyFinding } {
  const merged = mergeStatementsDifferingInActions(withUniqueSids(statements));
  const document = documentOf(merged);
  const size = policySize(document);
  if (size <= IAM_MANAGED_POLICY_SIZE_LIMIT) return { ok: true, document, size };
  const compact = documentOf(mergeStatementsDifferingInActions(withoutSids(merged)));
  const compactSize = policySize(compact);
  if (compactSize <= IAM_MANAGED_POLICY_SIZE_LIMIT) return { ok: true, document: compact, size: compactSize };
  return { ok: false, error: oversize(statements, compactSize) };
}

export function compileBoundary(input: CompileInput): CompileOutcome {
  const read = readLevels(input);
  if (read.errors.length > 0) return { ok: false, errors: read.errors };
  const sources = read.levels.flatMap((level) => level.files);
  if (sources.length === 0) {
    const message = `no policy file applies to account ${input.params.accountId}: at least one level needs a file`;
    return {
      ok: false,
      errors: [{ severity: 'error', code: 'chain.policy.missing', file: '', path: '', message }],
    };
  }
  const restrictions = levelRestrictions(read.levels);
  if (restrictions.errors.length > 0) return { ok: false, errors: restrictions.errors };
  const protective = protectiveStatements(input.params).map((statement) => ({ statement, origins: [] }));
  const fitted = fitToSizeLimit([
    ALLOW_ALL,
    ...restrictions.statements,
    ...writtenDenies(read.levels),
    ...protective,
  ]);
  if (!fitted.ok) return { ok: false, errors: [fitted.error] };
  return {
    ok: true,
    policy: fitted.document,
    size: fitted.size,
    sources,
    warnings: [...read.warnings, ...restrictions.warnings],
    hash: policyHash(fitted.document),
  };
}
