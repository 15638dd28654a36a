/**
 * The seed's placeholder `<ACCOUNT_ID>`, replaced by the account a policy is compiled for. It is
 * replaced in the parsed document, so that every JSON spelling of it (`\u003cACCOUNT_ID>` too) is
 * replaced: a textual replacement would leave an escaped one behind to match nothing, silently.
 */
import { checkTextLimits } from './limits.ts';

export const ACCOUNT_ID_PLACEHOLDER = '<ACCOUNT_ID>';

function replacedIn(text: string, accountId: string): string {
  return text.includes(ACCOUNT_ID_PLACEHOLDER) ? text.replaceAll(ACCOUNT_ID_PLACEHOLDER, accountId) : text;
}

/**
 * A copy of a parsed JSON value with the placeholder replaced in every string, object keys
 * included. The value must be within the nesting cap (the walk recurses).
 */
export function substituteAccountIdInValue(value: unknown, accountId: string): unknown {
  if (typeof value === 'string') return replacedIn(value, accountId);
  if (Array.isArray(value)) return value.map((item) => substituteAccountIdInValue(item, accountId));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        replacedIn(key, accountId),
        substituteAccountIdInValue(item, accountId),
      ]),
    );
  }
  return value;
}

/**
 * Policy text with the placeholder replaced by `accountId`. Text that parses is rewritten from
 * its parsed form (indented JSON); text that does not parse, or is past the caps, is replaced
 * literally and left for validation to report.
 */
export function substituteAccountId(body: string, accountId: string): string {
  // Without an escape sequence the placeholder can only be spelt literally: keep the text as is.
  if (!body.includes('\\u')) return replacedIn(body, accountId);
  if (checkTextLimits(body).length > 0) return replacedIn(body, accountId);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return replacedIn(body, accountId);
  }
  return JSON.stringify(substituteAccountIdInValue(parsed, accountId), null, 2);
}
