/** Checks of one statement's shape: keys, Sid, Effect, the Action and Resource pairs, Condition. */
import { isRecord, toList } from './parse.ts';
import type { PolicyFinding } from './types.ts';
import {
  checkActionPattern,
  checkCondition,
  checkResourcePattern,
  type ElementContext,
} from './validate-elements.ts';

type FindingDraft = Omit<PolicyFinding, 'file'>;

const STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);

/** IAM managed policies (which our boundary is) accept only ASCII letters and digits in a Sid. */
const SID_SHAPE = /^[A-Za-z0-9]*$/;

function error(code: string, path: string, message: string): FindingDraft {
  return { severity: 'error', code, path, message };
}

function checkKeys(statement: Record<string, unknown>, path: string): FindingDraft[] {
  return Object.keys(statement).flatMap((key) => {
    if (key === 'Principal' || key === 'NotPrincipal') {
      return [
        error(
          'policy.statement.principal.forbidden',
          `${path}.${key}`,
          `${key} is not allowed: an SCP applies to every principal of the accounts it is attached to`,
        ),
      ];
    }
    if (STATEMENT_KEYS.has(key)) return [];
    return [error('policy.statement.key.unknown', `${path}.${key}`, `'${key}' is not a statement element`)];
  });
}

function checkSid(statement: Record<string, unknown>, path: string, seenSids: Set<string>): FindingDraft[] {
  const sid = statement.Sid;
  if (sid === undefined) return [];
  if (typeof sid !== 'string' || !SID_SHAPE.test(sid)) {
    return [
      error('policy.statement.sid.invalid', `${path}.Sid`, 'Sid must contain only ASCII letters and digits'),
    ];
  }
  if (seenSids.has(sid)) {
    return [
      error('policy.statement.sid.duplicate', `${path}.Sid`, `Sid '${sid}' is used by an earlier statement`),
    ];
  }
  seenSids.add(sid);
  return [];
}

function checkEffect(statement: Record<string, unknown>, path: string): FindingDraft[] {
  const effect = statement.Effect;
  if (effect === undefined) return [error('policy.statement.effect.missing', path, 'Effect is required')];
  if (effect === 'Allow' || effect === 'Deny') return [];
  return [
    error(
      'policy.statement.effect.invalid',
      `${path}.Effect`,
      `Effect must be 'Allow' or 'Deny', not ${JSON.stringify(effect)}`,
    ),
  ];
}

/** Exactly one of `element`/`Not<element>`, a non-empty string list, each entry checked. */
function checkPair(
  statement: Record<string, unknown>,
  path: string,
  element: 'Action' | 'Resource',
  checkEntry: (entry: string, entryPath: string) => FindingDraft[],
): FindingDraft[] {
  const code = `policy.statement.${element.toLowerCase()}`;
  const negated = `Not${element}`;
  const hasPlain = statement[element] !== undefined;
  const hasNegated = statement[negated] !== undefined;
  if (hasPlain && hasNegated)
    return [error(`${code}.conflict`, path, `use either ${element} or ${negated}, not both`)];
  if (!hasPlain && !hasNegated)
    return [error(`${code}.missing`, path, `${element} or ${negated} is required`)];
  const name = hasPlain ? element : negated;
  const value = statement[name];
  const entries = toList(value);
  if (!entries || entries.length === 0) {
    return [
      error(`${code}.invalid`, `${path}.${name}`, `${name} must be a string or a non-empty list of strings`),
    ];
  }
  const single = typeof value === 'string';
  return entries.flatMap((entry, index) =>
    checkEntry(entry, single ? `${path}.${name}` : `${path}.${name}[${index}]`),
  );
}

/** All findings about one statement (without the file name, which the caller adds). */
export function checkStatement(
  value: unknown,
  path: string,
  context: ElementContext,
  seenSids: Set<string>,
): FindingDraft[] {
  if (!isRecord(value))
    return [error('policy.statement.not-object', path, 'a statement must be a JSON object')];
  return [
    ...checkKeys(value, path),
    ...checkSid(value, path, seenSids),
    ...checkEffect(value, path),
    ...checkPair(value, path, 'Action', (entry, entryPath) => checkActionPattern(entry, entryPath, context)),
    ...checkPair(value, path, 'Resource', (entry, entryPath) => checkResourcePattern(entry, entryPath)),
    ...(value.Condition === undefined ? [] : checkCondition(value.Condition, `${path}.Condition`)),
  ];
}
