/**
 * How scp-alt's own sessions in member accounts are recognised. The member hop of the role chain
 * (management role → organization access role) is assumed with an STS SourceIdentity. STS never
 * lets a source identity change once set, and setting one needs sts:SetSourceIdentity in the
 * trust of the role assumed, which only our management role gets on the organization access role
 * (the statement below). A session name, by contrast, is chosen freely by whoever assumes a role.
 */
export const OWN_SOURCE_IDENTITY_PREFIX = 'scp-alt-';

/** The SourceIdentity of one function's (or CLI command's) sessions, within STS's 64 characters. */
export function ownSourceIdentity(caller: string): string {
  return `${OWN_SOURCE_IDENTITY_PREFIX}${caller}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

export function isOwnSourceIdentity(sourceIdentity: string | undefined): boolean {
  return sourceIdentity?.startsWith(OWN_SOURCE_IDENTITY_PREFIX) ?? false;
}

/** Sid of the trust statement that lets the management role mark the sessions it opens. */
export const SOURCE_IDENTITY_TRUST_SID = 'ScpAltSourceIdentity';

/**
 * The statement the organization access role's trust needs: the management role may set a
 * source identity of ours, and nothing else. Enrollment adds it when it is missing.
 */
export function sourceIdentityTrustStatement(managementRoleArn: string) {
  return {
    Sid: SOURCE_IDENTITY_TRUST_SID,
    Effect: 'Allow' as const,
    Principal: { AWS: managementRoleArn },
    Action: 'sts:SetSourceIdentity',
    Condition: { StringLike: { 'sts:SourceIdentity': `${OWN_SOURCE_IDENTITY_PREFIX}*` } },
  };
}
