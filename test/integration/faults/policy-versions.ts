/** Version history of scp-enforce-policy, read and written as the member account's administrator. */
import {
  CreatePolicyVersionCommand,
  GetPolicyVersionCommand,
  ListPolicyVersionsCommand,
} from '@aws-sdk/client-iam';
import type { LocalStackClient } from '#dev/local-aws/stack.ts';
import type { CallFilter } from '#dev/local-aws/types.ts';
import type { Deployment } from '#dev/local-deployment/deployment.ts';
import { boundaryPolicyArn, memberIam } from '#dev/local-deployment/inspect.ts';

/** Creates non-default versions until the policy has the IAM maximum of five. */
export async function fillPolicyVersions(
  stack: LocalStackClient,
  deployment: Deployment,
  accountId: string,
): Promise<void> {
  const iam = await memberIam(stack, accountId);
  const PolicyArn = boundaryPolicyArn(deployment, accountId);
  const { Versions = [] } = await iam.send(new ListPolicyVersionsCommand({ PolicyArn }));
  const document = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Deny', Action: 'ec2:DeleteVpc', Resource: '*' }],
  });
  for (let count = Versions.length; count < 5; count++) {
    await iam.send(
      new CreatePolicyVersionCommand({ PolicyArn, PolicyDocument: document, SetAsDefault: false }),
    );
  }
}

/**
 * The versions of the policy, oldest first, labelled by which of two denies they carry: 'newer'
 * when the newer one is there, 'older only' when only the older one is, nothing otherwise.
 */
export async function versionHistory(
  stack: LocalStackClient,
  deployment: Deployment,
  accountId: string,
  denies: { older: string; newer: string },
): Promise<string[]> {
  const iam = await memberIam(stack, accountId);
  const PolicyArn = boundaryPolicyArn(deployment, accountId);
  const { Versions = [] } = await iam.send(new ListPolicyVersionsCommand({ PolicyArn }));
  const ids = Versions.map((v) => v.VersionId ?? '').sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  const labels: string[] = [];
  for (const VersionId of ids) {
    const { PolicyVersion } = await iam.send(new GetPolicyVersionCommand({ PolicyArn, VersionId }));
    const text = decodeURIComponent(PolicyVersion?.Document ?? '');
    if (text.includes(denies.newer)) labels.push('newer');
    else if (text.includes(denies.older)) labels.push('older only');
  }
  return labels;
}

/**
 * Waits until the proxy has seen `atLeast` more matching calls than when called; with `arrived`,
 * calls still held by a latency rule count too.
 */
export async function waitForCalls(
  stack: LocalStackClient,
  filter: CallFilter,
  atLeast: number,
  { arrived = false } = {},
): Promise<void> {
  const count = () => (arrived ? stack.control.countArrivals(filter) : stack.control.countCalls(filter));
  const start = await count();
  for (let waited = 0; waited < 10_000; waited += 25) {
    if ((await count()) - start >= atLeast) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no ${JSON.stringify(filter)} call within 10 s`);
}
