/**
 * Reading the files of each level for one account: parse (within the caps), replace `<ACCOUNT_ID>`,
 * validate, normalise, then leave out what can decide nothing for a bounded principal (statements
 * only the root user can match, action entries no action matches) with a warning for each.
 */
import { defaultActionCatalog } from './action-catalog.ts';
import type { NormalisedStatement } from './parse.ts';
import { appliesOnlyToRootUser } from './root-only.ts';
import type { ActionCatalog, CompileInput, PolicyFinding } from './types.ts';
import { withoutUnmatchedActions } from './unmatched-actions.ts';
import { readPolicy } from './validate.ts';

export interface ReadLevel {
  target: string;
  /** Keys of the level's files, sorted. */
  files: string[];
  /** Statements of every file of the level, in file then statement order, reduced. */
  statements: NormalisedStatement[];
}

export interface ReadChain {
  levels: ReadLevel[];
  errors: PolicyFinding[];
  warnings: PolicyFinding[];
}

function rootOnlyWarning(statement: NormalisedStatement): PolicyFinding {
  return {
    severity: 'warning',
    code: 'compile.statement.root-only',
    file: statement.file,
    path: statement.path,
    message: `${statement.file} ${statement.path} applies only to the root user (aws:PrincipalArn …:root); permissions boundaries never apply to the root user, so it is left out. Protect the root user by other means (MFA, no access keys).`,
  };
}

/** The statements a boundary must reflect, with a warning for each one left out or changed. */
export function reducedStatements(
  statements: readonly NormalisedStatement[],
  catalog: ActionCatalog,
): { statements: NormalisedStatement[]; warnings: PolicyFinding[] } {
  const kept: NormalisedStatement[] = [];
  const warnings: PolicyFinding[] = [];
  for (const statement of statements) {
    if (appliesOnlyToRootUser(statement)) {
      warnings.push(rootOnlyWarning(statement));
      continue;
    }
    const reduced = withoutUnmatchedActions(statement, catalog);
    warnings.push(...reduced.warnings);
    if (reduced.statement) kept.push(reduced.statement);
  }
  return { statements: kept, warnings };
}

export function readLevels(input: CompileInput): ReadChain {
  const errors: PolicyFinding[] = [];
  const warnings: PolicyFinding[] = [];
  const catalog = input.catalog ?? defaultActionCatalog();
  const options = {
    allowUnknownActions: input.allowUnknownActions ?? false,
    catalog,
    accountId: input.params.accountId,
  };
  const levels = input.chain.map(({ target, sources }) => {
    const ordered = [...sources].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const statements: NormalisedStatement[] = [];
    for (const source of ordered) {
      const read = readPolicy(source, options);
      warnings.push(...read.warnings);
      if (!read.ok) {
        errors.push(...read.errors);
        continue;
      }
      const reduced = reducedStatements(read.policy.statements, catalog);
      warnings.push(...reduced.warnings);
      statements.push(...reduced.statements);
    }
    return { target, files: ordered.map((source) => source.key), statements };
  });
  return { levels, errors, warnings };
}
