/**
 * For callers that deploy or simulate the boundary alone and cannot handle additional policies
 * yet: a chain that needs them is refused with today's size error, named as such, rather than
 * deployed with its spilled Deny statements silently missing.
 */
import type { CompileOutcome } from './types.ts';

export function refuseAdditionalPolicies(outcome: CompileOutcome): CompileOutcome {
  if (!outcome.ok || outcome.additionalPolicies.length === 0) return outcome;
  const names = outcome.additionalPolicies.map((extra) => `${extra.name} (${extra.size} characters)`);
  const message =
    `the compiled statements are over the IAM managed policy limit of 6,144 characters for one policy: ` +
    `they need the boundary (${outcome.size} characters) and ${names.join(', ')}, and this deployment ` +
    `attaches the boundary only`;
  return {
    ok: false,
    errors: [
      {
        severity: 'error',
        code: 'compile.size.exceeded',
        file: outcome.sources.at(-1) ?? '',
        path: '',
        message,
      },
    ],
  };
}
