/**
 * Policy size as IAM counts it for the 6,144-character managed-policy limit: the JSON text with
 * whitespace removed, except whitespace inside strings, which counts.
 */
import type { ManagedPolicyDocument } from './types.ts';

function withoutInsignificantWhitespace(text: string): string {
  let result = '';
  let inString = false;
  let escaped = false;
  for (const ch of text) {
    if (inString) {
      result += ch;
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      result += ch;
    } else if (!/\s/.test(ch)) {
      result += ch;
    }
  }
  return result;
}

/** Characters IAM counts for a document, or for policy text as written (any indentation). */
export function policySize(policy: ManagedPolicyDocument | string): number {
  const text = typeof policy === 'string' ? policy : JSON.stringify(policy);
  return withoutInsignificantWhitespace(text).length;
}
