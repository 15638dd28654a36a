/**
 * Mends an organization access role whose trust does not let the management role set our source
 * identity (Organizations creates the role without it): reads the trust with one unmarked session
 * and adds the one statement, keeping every other statement as it is.
 */
import { GetRoleCommand, IAMClient, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { SOURCE_IDENTITY_TRUST_SID, sourceIdentityTrustStatement } from '#policy/own-sessions.ts';
import { clientConfigFor, type SharedClientConfig } from './client-config.ts';
import type { TemporaryCredentials } from './credentials.ts';

interface TrustDocument {
  Version?: string;
  Statement?: { Sid?: string }[] | { Sid?: string };
}

export function sourceIdentityTrustMender(options: {
  region: string;
  organizationAccessRoleName: string;
  clientConfig?: SharedClientConfig;
}) {
  return async (
    _accountId: string,
    unmarked: () => Promise<TemporaryCredentials>,
    managementRoleArn: string,
  ): Promise<void> => {
    const iam = new IAMClient(clientConfigFor(options.region, options.clientConfig, unmarked));
    const RoleName = options.organizationAccessRoleName;
    const { Role } = await iam.send(new GetRoleCommand({ RoleName }));
    const trust = JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '{}')) as TrustDocument;
    const statements = trust.Statement === undefined ? [] : [trust.Statement].flat();
    if (statements.some((statement) => statement.Sid === SOURCE_IDENTITY_TRUST_SID)) return;
    const PolicyDocument = JSON.stringify({
      Version: trust.Version ?? '2012-10-17',
      Statement: [...statements, sourceIdentityTrustStatement(managementRoleArn)],
    });
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName, PolicyDocument }));
  };
}
