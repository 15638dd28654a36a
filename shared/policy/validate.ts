/**
 * Validation of SCP documents: every problem returned as a PolicyFinding with a dotted code and a
 * path such as Statement[2].Action[0]. Only programmer errors throw.
 */
import { defaultActionCatalog } from './action-catalog.ts';
import { checkValueLimits, MAX_STATEMENTS_PER_FILE, tooManyStatements } from './limits.ts';
import { DEFAULT_NATIVE_QUOTAS } from './native-pack.ts';
import {
  isRecord,
  type NormalisedPolicy,
  normalisePolicy,
  parsePolicyJson,
  statementEntries,
} from './parse.ts';
import { substituteAccountIdInValue } from './placeholder.ts';
import { policySize } from './size.ts';
import type { PolicyFinding, PolicySource, ValidationOptions } from './types.ts';
import { checkStatement } from './validate-statement.ts';

const DOCUMENT_KEYS = new Set(['Version', 'Statement', 'Id']);
const POLICY_LANGUAGE_VERSION = '2012-10-17';
/** A native SCP holds 10,240 characters (since May 2026); a larger file cannot move to native SCPs as is. */
export const NATIVE_SCP_SIZE_LIMIT = DEFAULT_NATIVE_QUOTAS.maxSize;

type FindingDraft = Omit<PolicyFinding, 'file'>;

function checkDocumentShape(document: Record<string, unknown>): FindingDraft[] {
  const findings: FindingDraft[] = Object.keys(document)
    .filter((key) => !DOCUMENT_KEYS.has(key))
    .map((key) => ({
      severity: 'error',
      code: 'policy.key.unknown',
      path: key,
      message: `'${key}' is not a policy element (expected Version, Statement, Id)`,
    }));
  if (document.Version === undefined) {
    findings.push({
      severity: 'error',
      code: 'policy.version.missing',
      path: '',
      message: `Version is required and must be '${POLICY_LANGUAGE_VERSION}'`,
    });
  } else if (document.Version !== POLICY_LANGUAGE_VERSION) {
    findings.push({
      severity: 'error',
      code: 'policy.version.invalid',
      path: 'Version',
      message: `Version must be '${POLICY_LANGUAGE_VERSION}', not ${JSON.stringify(document.Version)}`,
    });
  }
  const statement = document.Statement;
  if (statement === undefined) {
    findings.push({
      severity: 'error',
      code: 'policy.statement.missing',
      path: '',
      message: 'Statement is required',
    });
  } else if (Array.isArray(statement) && statement.length === 0) {
    findings.push({
      severity: 'error',
      code: 'policy.statement.empty',
      path: 'Statement',
      message: 'Statement is empty',
    });
  } else if (!Array.isArray(statement) && !isRecord(statement)) {
    findings.push({
      severity: 'error',
      code: 'policy.statement.invalid',
      path: 'Statement',
      message: 'Statement must be an object or a list of objects',
    });
  }
  return findings;
}

/** Nesting and statement count, checked before any statement is looked at. */
function checkCaps(document: Record<string, unknown>): FindingDraft[] {
  const tooDeep = checkValueLimits(document);
  if (tooDeep.length > 0) return tooDeep;
  const statements = document.Statement;
  if (Array.isArray(statements) && statements.length > MAX_STATEMENTS_PER_FILE) {
    return [tooManyStatements(statements.length)];
  }
  return [];
}

/** Findings about an already parsed JSON value. */
export function validatePolicyDocument(
  value: unknown,
  file: string,
  options: ValidationOptions = {},
): PolicyFinding[] {
  if (!isRecord(value)) {
    return [
      {
        severity: 'error',
        code: 'policy.document.not-object',
        file,
        path: '',
        message: 'a policy must be a JSON object',
      },
    ];
  }
  const beyondCaps = checkCaps(value);
  if (beyondCaps.length > 0) return beyondCaps.map((draft) => ({ ...draft, file }));
  const context = {
    file,
    catalog: options.catalog ?? defaultActionCatalog(),
    allowUnknownActions: options.allowUnknownActions ?? false,
  };
  const seenSids = new Set<string>();
  const drafts = [
    ...checkDocumentShape(value),
    ...statementEntries(value).flatMap(({ path, value: statement }) =>
      checkStatement(statement, path, context, seenSids),
    ),
  ];
  const size = policySize(JSON.stringify(value));
  if (size > NATIVE_SCP_SIZE_LIMIT) {
    drafts.push({
      severity: 'warning',
      code: 'policy.size.native-limit',
      path: '',
      message: `policy is ${size} characters; native SCPs allow ${NATIVE_SCP_SIZE_LIMIT}, so it cannot move to native SCPs unchanged`,
    });
  }
  return drafts.map((draft) => ({ ...draft, file }));
}

/** Findings about a policy file's text (malformed JSON included). */
export function validatePolicyText(source: PolicySource, options: ValidationOptions = {}): PolicyFinding[] {
  const parsed = parsePolicyJson(source);
  if (!parsed.ok) return [parsed.finding];
  return validatePolicyDocument(parsed.value, source.key, options);
}

export type PolicyReadResult =
  | { ok: true; policy: NormalisedPolicy; warnings: PolicyFinding[] }
  | { ok: false; errors: PolicyFinding[]; warnings: PolicyFinding[] };

export interface ReadOptions extends ValidationOptions {
  /** Replace `<ACCOUNT_ID>` by this account in the parsed document, before validation. */
  accountId?: string;
}

/** Parses and validates a file; hands back the normalised policy only when it has no error. */
export function readPolicy(source: PolicySource, options: ReadOptions = {}): PolicyReadResult {
  const parsed = parsePolicyJson(source);
  if (!parsed.ok) return { ok: false, errors: [parsed.finding], warnings: [] };
  const { accountId, ...validation } = options;
  // Within the caps (parsePolicyJson checked them), so the substitution's walk cannot overflow.
  const value = accountId === undefined ? parsed.value : substituteAccountIdInValue(parsed.value, accountId);
  const findings = validatePolicyDocument(value, source.key, validation);
  const errors = findings.filter((finding) => finding.severity === 'error');
  const warnings = findings.filter((finding) => finding.severity === 'warning');
  if (errors.length > 0 || !isRecord(value)) return { ok: false, errors, warnings };
  return { ok: true, policy: normalisePolicy(source.key, value), warnings };
}
