/**
 * The size error: what the compiled statements need, what the boundary and the allowed additional
 * policies hold, and which files contribute most, so the operator knows where to cut.
 */
import type { SourcedStatement } from './complement-statements.ts';
import { documentSize, EMPTY_POLICY_SIZE, statementCost } from './pack.ts';
import { IAM_MANAGED_POLICY_SIZE_LIMIT, type PolicyFinding } from './types.ts';

const count = (value: number) => value.toLocaleString('en-US');

function largestFiles(statements: readonly SourcedStatement[]): [string, number][] {
  const byFile = new Map<string, number>();
  for (const { statement, origins } of statements) {
    for (const file of origins) byFile.set(file, (byFile.get(file) ?? 0) + statementCost(statement) - 1);
  }
  return [...byFile.entries()]
    .sort(([fileA, a], [fileB, b]) => b - a || (fileA < fileB ? -1 : 1))
    .slice(0, 3);
}

/** compile.size.exceeded for restrictions that fit neither the boundary nor the additional policies. */
export function oversizeFinding(
  restrictions: readonly SourcedStatement[],
  fixed: readonly SourcedStatement[],
  maxAdditional: number,
): PolicyFinding {
  const largest = largestFiles(restrictions);
  const named = largest.map(([file, chars]) => `${file} (${chars} characters)`).join(', ');
  const everything = documentSize([...fixed, ...restrictions]);
  const holds =
    maxAdditional === 0
      ? `over the IAM managed policy limit of ${count(IAM_MANAGED_POLICY_SIZE_LIMIT)}`
      : `more than the boundary and ${maxAdditional} additional policies at the IAM managed policy limit of 6,144 characters each can hold, about ${count(IAM_MANAGED_POLICY_SIZE_LIMIT * (maxAdditional + 1) - documentSize(fixed) - maxAdditional * EMPTY_POLICY_SIZE)} characters of statements`;
  return {
    severity: 'error',
    code: 'compile.size.exceeded',
    file: largest[0]?.[0] ?? '',
    path: '',
    message: `the compiled boundary is ${everything} characters as one policy, ${holds}; largest contributing files: ${named || 'none'}`,
  };
}
