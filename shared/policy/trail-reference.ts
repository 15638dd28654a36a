/**
 * A customer trail to protect, as an operator names it: a trail name (protected in every region,
 * since a name does not tell the trail's home region) or the trail's ARN. CloudTrail's naming
 * rules: 3-128 characters of letters, digits, `.`, `_` and `-`, starting and ending with a letter
 * or digit, no two of `.`, `_`, `-` next to each other.
 */
import { parseArn } from './arn.ts';

const TRAIL_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9]|[._-](?=[A-Za-z0-9])){1,126}[A-Za-z0-9]$/;

export function isTrailName(value: string): boolean {
  return value.length >= 3 && value.length <= 128 && TRAIL_NAME.test(value);
}

/**
 * Why `value` cannot name a trail of `accountId` in `partition`, or undefined when it can. A trail
 * of another account (an organization trail, say) is out of reach of this account's principals
 * already, and protecting it from here would change nothing.
 */
export function trailReferenceProblem(
  value: string,
  where: { partition: string; accountId: string },
): string | undefined {
  if (!value.startsWith('arn:')) {
    return isTrailName(value)
      ? undefined
      : `'${value}' is neither a trail name (3-128 letters, digits, . _ -) nor a trail ARN`;
  }
  const arn = parseArn(value);
  const name = arn?.resource.startsWith('trail/') ? arn.resource.slice('trail/'.length) : '';
  if (arn?.service !== 'cloudtrail' || !arn.region || !isTrailName(name))
    return `'${value}' is not a trail ARN (arn:${where.partition}:cloudtrail:<region>:<account>:trail/<name>)`;
  if (arn.partition !== where.partition) return `'${value}' is not in partition ${where.partition}`;
  if (arn.accountId !== where.accountId)
    return `'${value}' is a trail of account ${arn.accountId}, not of ${where.accountId}; its principals cannot change it from ${where.accountId}`;
  return undefined;
}

/** The trails as given (comma-separated), trimmed, empty entries and repeats dropped. */
export function trailList(text: string | readonly string[]): string[] {
  const items = typeof text === 'string' ? text.split(',') : text;
  return [...new Set(items.map((item) => item.trim()).filter((item) => item.length > 0))];
}
