/**
 * How scp-alt's own sessions in member accounts are recognised. Every hop of the role chain
 * (function role → management role → organization access role) is assumed with an STS
 * SourceIdentity. STS keeps a source identity through role chaining and never lets it change, and
 * setting one needs sts:SetSourceIdentity in the trust of the role assumed, which only our
 * management role gets on the organization access role. A session name, by contrast, is chosen
 * freely by whoever assumes a role.
 */
export const OWN_SOURCE_IDENTITY_PREFIX = 'scp-alt-';

/** The SourceIdentity of one function's (or CLI command's) sessions, within STS's 64 characters. */
export function ownSourceIdentity(caller: string): string {
  return `${OWN_SOURCE_IDENTITY_PREFIX}${caller}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

export function isOwnSourceIdentity(sourceIdentity: string | undefined): boolean {
  return sourceIdentity?.startsWith(OWN_SOURCE_IDENTITY_PREFIX) ?? false;
}
