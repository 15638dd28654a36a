/**
 * Names of the additional policies: `<policyName>-2`, `-3`, … numbered by their place among the
 * compiled policies (the boundary is the first). Derived policies are `<policyName>-<16 hex>`
 * (derived-boundary.ts); a number of at most two digits can never be mistaken for one of those.
 */

/** The first additional policy is the second of the compiled policies. */
const FIRST_NUMBER = 2;
const NUMBER = /^-(\d{1,2})$/;

export function additionalPolicyName(policyName: string, index: number): string {
  return `${policyName}-${index + FIRST_NUMBER}`;
}

/** `<policyName>-2` … `<policyName>-<count + 1>`, in attachment order. */
export function additionalPolicyNames(policyName: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => additionalPolicyName(policyName, index));
}

export function isAdditionalPolicyName(policyName: string, name: string): boolean {
  if (!name.startsWith(policyName)) return false;
  const number = NUMBER.exec(name.slice(policyName.length))?.[1];
  return number !== undefined && Number(number) >= FIRST_NUMBER && !number.startsWith('0');
}
