/**
 * compileBoundary: the SCP chain of one account → the permissions boundary (Allow *, the protective
 * denies, and as many restriction statements as fit) plus, when needed, Deny-only managed policies
 * attached beside it, following DESIGN.md "Semantics we promise": the complement of each level's
 * allows as explicit Deny; every Deny as written. Pure and deterministic.
 */
import { defaultActionCatalog } from './action-catalog.ts';
import { additionalPolicyName } from './additional-names.ts';
import { type ReadLevel, readLevels } from './compile-levels.ts';
import { complementOfLevel } from './complement.ts';
import type { SourcedStatement } from './complement-statements.ts';
import { compiledPoliciesHash, policyHash } from './hash.ts';
import { shrinkStatements, withoutSids, withUniqueSids } from './merge.ts';
import { documentOf, documentSize, type Packing, packStatements } from './pack.ts';
import type { NormalisedStatement } from './parse.ts';
import { protectiveStatements } from './protective.ts';
import { oversizeFinding } from './size-report.ts';
import {
  type ActionCatalog,
  type AdditionalPolicy,
  type CompileInput,
  type CompileOutcome,
  DEFAULT_MAX_ADDITIONAL_POLICIES,
  type PolicyFinding,
  type PolicyStatement,
} from './types.ts';

const ALLOW_ALL: SourcedStatement = {
  statement: { Sid: 'ScpAltAllowAll', Effect: 'Allow', Action: '*', Resource: '*' },
  origins: [],
};

/** 'ou-ab12-11111111' → 'Ouab1211111111': Sids accept letters and digits only. */
function sidPart(target: string): string {
  const letters = target.replace(/[^A-Za-z0-9]/g, '');
  return letters.charAt(0).toUpperCase() + letters.slice(1);
}

const ofEffect = (level: ReadLevel, effect: 'Allow' | 'Deny') =>
  level.statements.filter((statement) => statement.effect === effect);

function levelRestrictions(levels: ReadLevel[]): {
  statements: SourcedStatement[];
  errors: PolicyFinding[];
  warnings: PolicyFinding[];
} {
  const statements: SourcedStatement[] = [];
  const errors: PolicyFinding[] = [];
  const warnings: PolicyFinding[] = [];
  for (const level of levels.filter((candidate) => candidate.files.length > 0)) {
    const allows = ofEffect(level, 'Allow');
    if (allows.length === 0) {
      warnings.push({
        severity: 'warning',
        code: 'compile.level.allows-nothing',
        file: level.files.join(', '),
        path: '',
        message: `no policy of ${level.target} has an Allow statement that applies, so every request is denied (as a native SCP would)`,
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

const oneOrList = (values: string[]): string | string[] => (values.length === 1 ? (values[0] ?? '') : values);

/** A Deny as written, with the action list the reductions left (and the Condition as written). */
function writtenStatement(deny: NormalisedStatement): PolicyStatement {
  const statement: PolicyStatement = {
    ...(deny.sid === undefined ? {} : { Sid: deny.sid }),
    Effect: 'Deny',
    [deny.action.element]: oneOrList(deny.action.patterns),
    [deny.resource.element]: oneOrList(deny.resource.patterns),
  };
  if (deny.original.Condition !== undefined) statement.Condition = structuredClone(deny.original.Condition);
  return statement;
}

function writtenDenies(levels: ReadLevel[]): SourcedStatement[] {
  return levels.flatMap((level) =>
    ofEffect(level, 'Deny').map((deny) => ({ statement: writtenStatement(deny), origins: [deny.file] })),
  );
}

type Layout = { packing: Packing; fixed: SourcedStatement[] };

/**
 * Sids are kept while everything fits in the boundary; then dropped (so more statements merge);
 * only then do statements spill into additional policies.
 */
function layout(
  restrictions: SourcedStatement[],
  protective: SourcedStatement[],
  catalog: ActionCatalog,
  maxAdditional: number,
): Layout | undefined {
  const named = withUniqueSids([ALLOW_ALL, ...restrictions, ...protective]);
  const namedFixed = [named[0] as SourcedStatement, ...named.slice(restrictions.length + 1)];
  const namedRestrictions = shrinkStatements(named.slice(1, restrictions.length + 1), catalog);
  const withSids = packStatements(namedFixed, namedRestrictions, 0);
  if (withSids) return { packing: withSids, fixed: namedFixed };
  const fixed = withoutSids(namedFixed);
  const compact = shrinkStatements(withoutSids(restrictions), catalog);
  const packing = packStatements(fixed, compact, 0) ?? packStatements(fixed, compact, maxAdditional);
  return packing ? { packing, fixed } : undefined;
}

function additionalPoliciesOf(packing: Packing, policyName: string): AdditionalPolicy[] {
  return packing.additional.map((statements, index) => {
    if (statements.some(({ statement }) => statement.Effect !== 'Deny')) {
      throw new Error('an additional policy may hold Deny statements only');
    }
    const policy = documentOf(statements);
    return {
      name: additionalPolicyName(policyName, index),
      policy,
      size: documentSize(statements),
      hash: policyHash(policy),
    };
  });
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
  const allRestrictions = [...restrictions.statements, ...writtenDenies(read.levels)];
  const catalog = input.catalog ?? defaultActionCatalog();
  const maxAdditional = input.maxAdditionalPolicies ?? DEFAULT_MAX_ADDITIONAL_POLICIES;
  const laid = layout(allRestrictions, protective, catalog, maxAdditional);
  if (!laid) {
    const compact = shrinkStatements(withoutSids(allRestrictions), catalog);
    return {
      ok: false,
      errors: [oversizeFinding(compact, withoutSids([ALLOW_ALL, ...protective]), maxAdditional)],
    };
  }
  const [allowAll, ...protectiveFixed] = laid.fixed;
  const boundaryStatements = [...(allowAll ? [allowAll] : []), ...laid.packing.boundary, ...protectiveFixed];
  const policy = documentOf(boundaryStatements);
  const additionalPolicies = additionalPoliciesOf(laid.packing, input.params.policyName);
  return {
    ok: true,
    policy,
    size: documentSize(boundaryStatements),
    sources,
    warnings: [...read.warnings, ...restrictions.warnings],
    additionalPolicies,
    boundaryHash: policyHash(policy),
    hash: compiledPoliciesHash(policy, additionalPolicies),
  };
}
