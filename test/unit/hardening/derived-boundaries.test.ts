import { describe, expect, it } from 'vitest';
import { derivedBoundaryDocument, derivedPolicyName } from '#policy/derived-boundary.ts';
import type { ManagedPolicyDocument, PolicyDocument } from '#policy/types.ts';
import { deregisterAccount } from '#usecases/deregister.ts';
import { enrollAccount } from '#usecases/enroll.ts';
import { createIamEventResponder } from '#usecases/iam-event.ts';
import { applyPolicyChange } from '#usecases/policy-change.ts';
import { reconcileAccounts } from '#usecases/reconcile.ts';
import { A1, documentOf } from '../fakes/organization.ts';
import { ALLOW_ALL_DENY, addMemberAccount, makeWorld, OU_A, ROOT } from '../fakes/world.ts';

/** An IAM policy variable as a policy spells it, e.g. ${aws:username}. */
const policyVariable = (name: string) => `\${${name}}`;

const CUSTOMER = `arn:aws-cn:iam::${A1}:policy/TeamBoundary`;
const OURS = `arn:aws-cn:iam::${A1}:policy/scp-enforce-policy`;
const DERIVED_NAME = derivedPolicyName('scp-enforce-policy', CUSTOMER);
const DERIVED = `arn:aws-cn:iam::${A1}:policy/${DERIVED_NAME}`;

const customerPolicy = (...actions: string[]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'TeamScope', Effect: 'Allow', Action: actions, Resource: '*' }],
});

async function enrolledWithCustomerBoundary() {
  const world = makeWorld();
  addMemberAccount(world, A1, [ROOT, OU_A]);
  world.iam.putManagedPolicy(CUSTOMER, customerPolicy('ec2:*', 's3:*'));
  world.iam.addPrincipal(A1, 'role', 'team-role', { boundaryArn: CUSTOMER });
  world.policyStore.put(`${OU_A}.json`, ALLOW_ALL_DENY('s3:DeleteBucket'));
  await enrollAccount(world.ctx, { accountId: A1, ouId: OU_A, createCloudTrail: false });
  return world;
}

describe('derived policy document', () => {
  it('is the customer statements unchanged followed by every Deny of ours, never our Allow', () => {
    const ours: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Sid: 'TeamScope', Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' },
      ],
    };
    const derived = derivedBoundaryDocument(customerPolicy('ec2:*'), ours);
    expect(derived).toEqual({
      ok: true,
      size: expect.any(Number),
      document: {
        Version: '2012-10-17',
        // Our Sid collides with theirs: ours is dropped, theirs kept.
        Statement: [
          customerPolicy('ec2:*').Statement[0],
          { Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' },
        ],
      },
    });
  });

  it('is refused, with the size, when it would exceed the IAM limit', () => {
    const big = customerPolicy(...Array.from({ length: 400 }, (_, i) => `ec2:Describe${i}Thing`));
    const derived = derivedBoundaryDocument(big, ALLOW_ALL_DENY('s3:DeleteBucket') as PolicyDocument);
    expect(derived).toEqual({ ok: false, reason: expect.stringMatching(/\d+ characters; IAM allows 6144/) });
  });

  it('keeps the language version the customer policy was written in', () => {
    const customer2008: ManagedPolicyDocument = {
      Version: '2008-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 's3:*',
          Resource: `arn:aws-cn:s3:::home/${policyVariable('aws:username')}/*`,
        },
      ],
    };
    const ours = ALLOW_ALL_DENY('s3:DeleteBucket') as PolicyDocument;
    const derived = derivedBoundaryDocument(customer2008, ours);
    expect(derived.ok && derived.document.Version).toBe('2008-10-17');
    // Here ${aws:username} stays the literal text it was for the customer.
    expect(derived.ok && derived.document.Statement[0]).toEqual(customer2008.Statement[0]);
    const unversioned = derivedBoundaryDocument({ Statement: customer2008.Statement }, ours);
    expect(unversioned.ok && 'Version' in unversioned.document).toBe(false);
  });

  it('uses 2012-10-17 for our policy variables only when the customer statements read the same in it', () => {
    const oursWithVariable: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: '*', Resource: '*' },
        {
          Effect: 'Deny',
          Action: 's3:*',
          NotResource: `arn:aws-cn:s3:::${policyVariable('aws:PrincipalTag/team')}-*`,
        },
      ],
    };
    const plain2008 = customerPolicy('ec2:*');
    const withoutVariables = derivedBoundaryDocument(
      { ...plain2008, Version: '2008-10-17' },
      oursWithVariable,
    );
    expect(withoutVariables.ok && withoutVariables.document.Version).toBe('2012-10-17');
    const literal2008: ManagedPolicyDocument = {
      Version: '2008-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:*', Resource: `arn:aws-cn:s3:::${policyVariable('literal')}` },
      ],
    };
    expect(derivedBoundaryDocument(literal2008, oursWithVariable)).toEqual({
      ok: false,
      reason: expect.stringContaining('one document cannot read both ways'),
    });
  });

  it('has a stable name per customer policy ARN, under our protected prefix', () => {
    expect(DERIVED_NAME).toMatch(/^scp-enforce-policy-[0-9a-f]{16}$/);
    expect(derivedPolicyName('scp-enforce-policy', CUSTOMER)).toBe(DERIVED_NAME);
    expect(derivedPolicyName('scp-enforce-policy', `${CUSTOMER}2`)).not.toBe(DERIVED_NAME);
  });
});

describe('principals that had a customer boundary before enrollment', () => {
  it('carry the derived policy; the customer policy is never edited; the record names it', async () => {
    const world = await enrolledWithCustomerBoundary();
    expect(world.iam.boundaryOf(A1, 'role', 'team-role')).toBe(DERIVED);
    expect(world.iam.boundaryOf(A1, 'role', 'app-role')).toBe(OURS);
    expect(documentOf(world, A1, DERIVED_NAME)).toContain('s3:DeleteBucket');
    expect(documentOf(world, A1, DERIVED_NAME)).toContain('TeamScope');
    expect(
      world.iam.writes(A1).filter((call) => call.api.includes('Policy') && !call.api.includes('Boundary')),
    ).toHaveLength(2); // CreatePolicy for ours and for the derived one, nothing on theirs
    expect(world.accounts.records.get(A1)?.customerBoundaryArns).toEqual([CUSTOMER]);
  });

  it('Given our side changes, Then the derived policy is rebuilt with the new denies', async () => {
    const world = await enrolledWithCustomerBoundary();
    const key = world.policyStore.put(
      `${OU_A}.json`,
      ALLOW_ALL_DENY('s3:DeleteBucket', 'ec2:TerminateInstances'),
    );
    await applyPolicyChange(world.ctx, { key, eventKind: 'created' });
    expect(documentOf(world, A1, DERIVED_NAME)).toContain('ec2:TerminateInstances');
    expect(world.iam.boundaryOf(A1, 'role', 'team-role')).toBe(DERIVED);
  });

  it('Given the customer side changes, Then the reconciler rebuilds the derived policy and reports it', async () => {
    const world = await enrolledWithCustomerBoundary();
    world.iam.putManagedPolicy(CUSTOMER, customerPolicy('ec2:*'));
    const report = await reconcileAccounts(world.ctx);
    expect(report.drifted).toEqual([
      expect.objectContaining({ accountId: A1, derived: { rebuilt: [CUSTOMER], attached: [] } }),
    ]);
    expect(documentOf(world, A1, DERIVED_NAME)).not.toContain('s3:*');
    expect(world.notifier.codes().at(-1)).toBe('DRIFT_REPAIRED');
  });

  it('Given the customer edits the policy, When the event arrives, Then the derived policy is rebuilt at once', async () => {
    const world = await enrolledWithCustomerBoundary();
    world.iam.putManagedPolicy(CUSTOMER, customerPolicy('ec2:*'));
    const respond = createIamEventResponder(world.ctx);
    const outcome = await respond({
      eventId: 'customer-edit',
      eventName: 'CreatePolicyVersion',
      accountId: A1,
      source: 'aws.iam',
      senderAccountId: A1,
      policyArn: CUSTOMER,
      actorArn: `arn:aws-cn:sts::${A1}:assumed-role/Admin/jane`,
    });
    expect(outcome).toEqual({ action: 'derived-rebuilt', customerPolicyArn: CUSTOMER });
    expect(documentOf(world, A1, DERIVED_NAME)).not.toContain('s3:*');
  });

  it('Given a principal created later with a customer boundary, Then the event path gives it the derived policy', async () => {
    const world = await enrolledWithCustomerBoundary();
    const other = `arn:aws-cn:iam::${A1}:policy/OtherBoundary`;
    world.iam.putManagedPolicy(other, customerPolicy('lambda:*'));
    world.iam.addPrincipal(A1, 'role', 'late-role', { boundaryArn: other });
    const respond = createIamEventResponder(world.ctx);
    const outcome = await respond({
      eventId: 'late-create',
      eventName: 'CreateRole',
      accountId: A1,
      source: 'aws.iam',
      senderAccountId: A1,
      principal: { kind: 'role', name: 'late-role' },
      actorArn: `arn:aws-cn:sts::${A1}:assumed-role/OrganizationAccountAccessRole/admin`,
    });
    expect(outcome).toEqual({ action: 'principal', outcome: 'derived' });
    expect(world.iam.boundaryOf(A1, 'role', 'late-role')).toMatch(/scp-enforce-policy-[0-9a-f]{16}$/);
    expect(world.accounts.records.get(A1)?.customerBoundaryArns).toEqual([other, CUSTOMER]);
  });

  it("Given the customer policy cannot be combined, Then the principal carries ours instead (never the customer's alone) and the operators are told", async () => {
    const world = makeWorld();
    addMemberAccount(world, A1, [ROOT, OU_A]);
    world.iam.addPrincipal(A1, 'role', 'team-role', { boundaryArn: CUSTOMER }); // policy unreadable
    world.policyStore.put(`${OU_A}.json`, ALLOW_ALL_DENY('s3:DeleteBucket'));
    await enrollAccount(world.ctx, { accountId: A1, ouId: OU_A, createCloudTrail: false });
    expect(world.iam.boundaryOf(A1, 'role', 'team-role')).toBe(
      `arn:aws-cn:iam::${A1}:policy/scp-enforce-policy`,
    );
    expect(world.notifier.notices.find((notice) => notice.code === 'DERIVED_BOUNDARY_FAILED')).toMatchObject({
      accountId: A1,
      details: [expect.stringContaining(`role/team-role now carries`)],
    });
    expect(world.accounts.records.get(A1)?.customerBoundaryArns).toEqual([CUSTOMER]);
  });

  it('Given deregistration, Then the customer boundary is put back and the derived policy deleted', async () => {
    const world = await enrolledWithCustomerBoundary();
    await deregisterAccount(world.ctx, A1);
    expect(world.iam.boundaryOf(A1, 'role', 'team-role')).toBe(CUSTOMER);
    expect(world.iam.boundaryOf(A1, 'role', 'app-role')).toBeUndefined();
    expect(world.iam.policyNames(A1)).toEqual([]);
  });
});
