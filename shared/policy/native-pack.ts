/**
 * Packing one target's statements into as few native SCPs as fit the quotas. Within one target
 * native SCPs combine like one policy (a request needs some Allow in any of them and no Deny in
 * any), so statements may move freely between the target's policies. Pure.
 */
import type { PolicyDocument, PolicyFinding, PolicyStatement } from './types.ts';

export interface NativeQuotas {
  /** Characters per SCP, whitespace counted (we write minified JSON). */
  maxSize: number;
  /** SCPs attached to one root, OU or account. */
  maxPerTarget: number;
}

export const DEFAULT_NATIVE_QUOTAS: NativeQuotas = { maxSize: 10_240, maxPerTarget: 10 };

/** A statement and where it was written, for messages. */
export interface SourcedNativeStatement {
  statement: PolicyStatement;
  file: string;
  path: string;
}

export interface NativePolicy {
  document: PolicyDocument;
  /** Minified JSON: exactly what is uploaded and counted. */
  text: string;
  size: number;
}

export type PackOutcome = { ok: true; policies: NativePolicy[] } | { ok: false; errors: PolicyFinding[] };

const EMPTY_SIZE = JSON.stringify({ Version: '2012-10-17', Statement: [] }).length;

interface Bin {
  statements: PolicyStatement[];
  sids: Set<string>;
  size: number;
}

/** Sids must be unique inside one policy; statements from two files may share one. */
function withFreeSid(statement: PolicyStatement, taken: Set<string>): PolicyStatement {
  const sid = statement.Sid;
  if (sid === undefined || !taken.has(sid)) return statement;
  let suffix = 2;
  while (taken.has(`${sid}${suffix}`)) suffix++;
  return { ...statement, Sid: `${sid}${suffix}` };
}

function addedSize(bin: Bin, statement: PolicyStatement): number {
  return JSON.stringify(statement).length + (bin.statements.length > 0 ? 1 : 0);
}

function tooLarge(item: SourcedNativeStatement, size: number, quotas: NativeQuotas): PolicyFinding {
  return {
    severity: 'error',
    code: 'native.statement.too-large',
    file: item.file,
    path: item.path,
    message: `statement is ${size} characters; with the policy frame it cannot fit one native SCP of ${quotas.maxSize}`,
  };
}

/** First-fit decreasing: largest statements first, each into the first policy with room. */
export function packStatements(
  target: string,
  items: SourcedNativeStatement[],
  quotas: NativeQuotas,
): PackOutcome {
  const ordered = [...items].sort(
    (a, b) => JSON.stringify(b.statement).length - JSON.stringify(a.statement).length,
  );
  const bins: Bin[] = [];
  const errors: PolicyFinding[] = [];
  for (const item of ordered) {
    const alone = EMPTY_SIZE + JSON.stringify(item.statement).length;
    if (alone > quotas.maxSize) {
      errors.push(tooLarge(item, JSON.stringify(item.statement).length, quotas));
      continue;
    }
    const fits = (bin: Bin) =>
      bin.size + addedSize(bin, withFreeSid(item.statement, bin.sids)) <= quotas.maxSize;
    let bin = bins.find(fits);
    if (!bin) {
      bin = { statements: [], sids: new Set(), size: EMPTY_SIZE };
      bins.push(bin);
    }
    const statement = withFreeSid(item.statement, bin.sids);
    bin.size += addedSize(bin, statement);
    bin.statements.push(statement);
    if (statement.Sid !== undefined) bin.sids.add(statement.Sid);
  }
  if (bins.length > quotas.maxPerTarget) {
    errors.push({
      severity: 'error',
      code: 'native.target.too-many-policies',
      file: '',
      path: '',
      message: `${target} needs ${bins.length} native SCPs of at most ${quotas.maxSize} characters; the quota is ${quotas.maxPerTarget} per target`,
    });
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    policies: bins.map((bin) => {
      const document: PolicyDocument = { Version: '2012-10-17', Statement: bin.statements };
      const text = JSON.stringify(document);
      return { document, text, size: text.length };
    }),
  };
}
