/**
 * BASELINE — not scp-alt. The original's "publish the boundary" step, run for every account of a
 * policy change AND for every CreateUser/CreateRole event, whether or not the content changed:
 * GetPolicy, ListPolicyVersions, delete the oldest versions while five exist, CreatePolicyVersion.
 */
import {
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  DeletePolicyVersionCommand,
  GetPolicyCommand,
  type IAMClient,
  ListPolicyVersionsCommand,
} from '@aws-sdk/client-iam';

const MAX_POLICY_VERSIONS = 5;

export async function publishBoundaryAsOriginal(
  iam: IAMClient,
  policyArn: string,
  policyName: string,
  document: string,
): Promise<void> {
  try {
    await iam.send(new GetPolicyCommand({ PolicyArn: policyArn }));
  } catch (error) {
    if ((error as Error).name !== 'NoSuchEntityException' && (error as Error).name !== 'NoSuchEntity')
      throw error;
    await iam.send(new CreatePolicyCommand({ PolicyName: policyName, PolicyDocument: document }));
    return;
  }
  const listed = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: policyArn }));
  // Non-default first, oldest first: the order the original deleted them in.
  const versions = [...(listed.Versions ?? [])].sort(
    (a, b) =>
      Number(a.IsDefaultVersion) - Number(b.IsDefaultVersion) ||
      (a.CreateDate?.getTime() ?? 0) - (b.CreateDate?.getTime() ?? 0),
  );
  while (versions.length >= MAX_POLICY_VERSIONS) {
    const oldest = versions.shift();
    await iam.send(new DeletePolicyVersionCommand({ PolicyArn: policyArn, VersionId: oldest?.VersionId }));
  }
  await iam.send(
    new CreatePolicyVersionCommand({ PolicyArn: policyArn, PolicyDocument: document, SetAsDefault: true }),
  );
}
