import { IAMClient } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { BoundaryIamAdapter } from '#aws/iam-boundary.ts';
import { createIamEventResponder } from '#usecases/iam-event.ts';
import { stubSdk } from '../fakes/sdk-stub.ts';
import { makeWorld } from '../fakes/world.ts';

const ACCOUNT = '111111111111';
const POLICY_ARN = `arn:aws-cn:iam::${ACCOUNT}:policy/scp-enforce-policy`;

/** The same budget as the use-case test, counted on the wire of the real IAM adapter. */
describe('warm CreateRole through the real IAM adapter', () => {
  it('costs GetRole + PutRolePermissionsBoundary without a boundary, and GetRole alone with ours', async () => {
    const world = makeWorld();
    const iamClient = new IAMClient({ region: 'cn-north-1' });
    const boundaries: Record<string, string | undefined> = { plain: undefined, bounded: POLICY_ARN };
    const calls = stubSdk(iamClient, {
      GetRole: (input) => {
        const name = String(input.RoleName);
        const arn = boundaries[name];
        return {
          Role: {
            RoleName: name,
            RoleId: `AROA${name.toUpperCase()}`,
            CreateDate: new Date('2026-01-01T00:00:00Z'),
            Path: '/',
            Arn: `arn:aws-cn:iam::${ACCOUNT}:role/${name}`,
            ...(arn ? { PermissionsBoundary: { PermissionsBoundaryArn: arn } } : {}),
          },
        };
      },
      PutRolePermissionsBoundary: () => ({}),
    });
    world.ctx.ports.iam = new BoundaryIamAdapter({
      iamClientFor: () => iamClient,
      partition: 'aws-cn',
      policyName: 'scp-enforce-policy',
    });
    world.accounts.records.set(ACCOUNT, {
      accountId: ACCOUNT,
      managementAccountId: '888888888888',
      ouId: 'ou-ab12-aaaaaaaa',
      ouPath: ['r-ab12', 'ou-ab12-aaaaaaaa'],
      customerBoundaryArns: [],
      additionalPolicies: [],
      policyFileKeys: [],
      updatedAt: '',
      compiledHash: 'h',
      boundaryVersionId: 'v1',
      status: 'ACTIVE',
      lastError: undefined,
      createCloudTrail: false,
      enrolledBy: 'service-catalog',
      revision: 1,
    });
    const respond = createIamEventResponder(world.ctx);
    const event = (id: string, roleName: string) => ({
      eventId: id,
      eventName: 'CreateRole',
      accountId: ACCOUNT,
      source: 'aws.iam',
      senderAccountId: ACCOUNT,
      principal: { kind: 'role' as const, name: roleName },
    });
    await respond(event('warm', 'bounded'));
    calls.length = 0;

    await respond(event('e1', 'plain'));
    expect(calls.map((call) => call.command)).toEqual(['GetRole', 'PutRolePermissionsBoundary']);
    calls.length = 0;
    await respond(event('e2', 'bounded'));
    expect(calls.map((call) => call.command)).toEqual(['GetRole']);
  });
});
