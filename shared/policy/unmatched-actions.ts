/**
 * Action entries that match no action of the catalog (a retired or unknown service prefix, a
 * wildcard that matches nothing, a typo accepted with --allow-unknown-actions) decide nothing for
 * today's actions. The compiler drops them only where dropping can deny more and never less, for
 * an action the catalog does not know yet (a prefix unknown to the catalog may be a service newer
 * than it):
 *  - Allow Action: an entry left out is allowed by nothing: denies more. Dropped; an allow left
 *    with no entry grants nothing and is dropped whole.
 *  - Deny NotAction: an entry left out is excepted from nothing: denies more. Dropped; a Deny left
 *    with no exception denies every action (under its Resource and Condition).
 *  - Deny Action and Allow NotAction: leaving the entry out would deny less, so it is kept.
 */
import { catalogMatch } from './catalog-index.ts';
import type { NormalisedStatement } from './parse.ts';
import type { ActionCatalog, PolicyFinding } from './types.ts';

export interface UnmatchedReduction {
  /** The statement to compile, or undefined when it grants nothing. */
  statement: NormalisedStatement | undefined;
  warnings: PolicyFinding[];
}

function warning(statement: NormalisedStatement, code: string, message: string): PolicyFinding {
  return { severity: 'warning', code, file: statement.file, path: statement.path, message };
}

function dropIsStricter(statement: NormalisedStatement): boolean {
  const { effect } = statement;
  const element = statement.action.element;
  return (effect === 'Allow' && element === 'Action') || (effect === 'Deny' && element === 'NotAction');
}

/** The statement with catalog-unmatched entries dropped where that is exact and never looser. */
export function withoutUnmatchedActions(
  statement: NormalisedStatement,
  catalog: ActionCatalog,
): UnmatchedReduction {
  if (!dropIsStricter(statement)) return { statement, warnings: [] };
  const patterns = statement.action.patterns;
  const kept = patterns.filter((pattern) => catalogMatch(catalog, pattern).kind === 'matches');
  if (kept.length === patterns.length) return { statement, warnings: [] };
  const dropped = patterns.filter((pattern) => !kept.includes(pattern));
  const where = `${statement.file} ${statement.path}`;
  const listed = dropped.map((pattern) => `'${pattern}'`).join(', ');
  const warnings = [
    warning(
      statement,
      'compile.action.unmatched-dropped',
      `${where}: ${listed} match no action of the catalog and are left out of the ${statement.action.element} list, which can only deny more`,
    ),
  ];
  if (kept.length > 0) {
    return { statement: { ...statement, action: { ...statement.action, patterns: kept } }, warnings };
  }
  if (statement.effect === 'Allow') {
    const message = `${where}: no entry of its Action list matches an action, so this Allow grants nothing and is left out`;
    return {
      statement: undefined,
      warnings: [...warnings, warning(statement, 'compile.allow.grants-nothing', message)],
    };
  }
  const message = `${where}: no entry of its NotAction list matches an action, so this Deny denies every action its Resource and Condition match`;
  return {
    statement: { ...statement, action: { element: 'Action', patterns: ['*'] } },
    warnings: [...warnings, warning(statement, 'compile.deny.excepts-nothing', message)],
  };
}
