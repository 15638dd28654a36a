/** Policy files as a security administrator handles them: samples from policies/, uploads, deletes. */
import { readFile } from 'node:fs/promises';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { POLICY_PREFIX } from '#policy/types.ts';
import type { Deployment } from './deployment.ts';

const SAMPLES = new URL('../../policies/', import.meta.url);

/** Text of a sample policy shipped in policies/, e.g. `samplePolicy('020-deny-all-S3-actions')`. */
export function samplePolicy(name: string): Promise<string> {
  return readFile(new URL(`${name}.json`, SAMPLES), 'utf8');
}

/** Object key of a target's file: `<ou-id>`, `<root-id>` or `account-<id>` (optionally `/name`). */
export function policyKey(target: string, name?: string): string {
  return `${POLICY_PREFIX}${target}${name ? `/${name}` : ''}.json`;
}

export async function uploadPolicy(deployment: Deployment, key: string, body: string): Promise<void> {
  await deployment.clients.s3.send(
    new PutObjectCommand({
      Bucket: deployment.bucket,
      Key: key,
      Body: body,
      ContentType: 'application/json',
    }),
  );
}

/** Deletes the file (the bucket is versioned: a delete marker); returns the marker's version id. */
export async function deletePolicy(deployment: Deployment, key: string): Promise<string> {
  const { VersionId = '' } = await deployment.clients.s3.send(
    new DeleteObjectCommand({ Bucket: deployment.bucket, Key: key }),
  );
  return VersionId;
}

/**
 * Allow * and `count` Denies that cannot be merged (each has its own condition), for teams
 * `first`, `first + 1`, …: about 120 characters each, so a few dozen spill out of the boundary
 * into additional policies.
 */
export function conditionalDenyPolicy(count: number, first = 0): string {
  const statements = Array.from({ length: count }, (_, index) => ({
    Sid: `DenyTeam${first + index}`,
    Effect: 'Deny',
    Action: 'ec2:RunInstances',
    Resource: '*',
    Condition: { StringEquals: { 'aws:PrincipalTag/team': `team-${first + index}` } },
  }));
  return JSON.stringify(
    { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, ...statements] },
    null,
    2,
  );
}

/** Allows everything but the listed actions: the shape of most guard-rail files. */
export function denyingPolicy(...actions: string[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Deny', Action: actions.length === 1 ? actions[0] : actions, Resource: '*' },
    ],
  });
}

/**
 * A well-formed policy whose compiled statements exceed what the boundary and the default four
 * additional policies of 6,144 characters each can hold together.
 */
export function oversizePolicy(statementCount = 300): string {
  return conditionalDenyPolicy(statementCount);
}
