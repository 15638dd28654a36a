/**
 * Ways around the boundary it cannot close itself: a whitelisted role whose trust admits more than
 * the whitelist is for (reported at enrollment, or the account refused), and compute running as an
 * exempt role (reported on every reconcile).
 */
import { describe, expect, it } from 'vitest';
import { stackSetsAdministrationArns } from '#policy/trust-admissions.ts';
import { enrollAccount } from '#usecases/enroll.ts';
import { reconcileAccounts } from '#usecases/reconcile.ts';
import {
  ALLOW_ALL_DENY,
  addMemberAccount,
  MANAGEMENT_ACCOUNT,
  makeWorld,
  OU_A,
  ROOT,
  type World,
} from '../fakes/world.ts';

const ACCOUNT = '111111111111';
const EXEC_ROLE = 'stacksets-exec-1234';
const EXEC_ARN = `arn:aws-cn:iam::${ACCOUNT}:role/${EXEC_ROLE}`;
const [ORG_ADMIN] = stackSetsAdministrationArns('aws-cn', MANAGEMENT_ACCOUNT);
const trusting = (...principals: string[]) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: principals }, Action: 'sts:AssumeRole' }],
});

function memberWorld(overrides: Parameters<typeof makeWorld>[0] = {}): World {
  const world = makeWorld(overrides);
  addMemberAccount(world, ACCOUNT, [ROOT, OU_A]);
  world.policyStore.put(`${OU_A}.json`, ALLOW_ALL_DENY('s3:DeleteBucket'));
  return world;
}

const enroll = (world: World) =>
  enrollAccount(world.ctx, { accountId: ACCOUNT, ouId: OU_A, createCloudTrail: false });

describe('whitelisted roles whose trust admits more than the whitelist is for', () => {
  it('Given the StackSets administration role only, Then enrollment reports nothing', async () => {
    const world = memberWorld();
    world.inventory.setTrust(ACCOUNT, EXEC_ROLE, trusting(ORG_ADMIN ?? ''));

    const result = await enroll(world);

    expect(result.warnings).toEqual([]);
    expect(world.notifier.codes()).not.toContain('WHITELIST_TRUST_OPEN');
  });

  it('Given a trust planted before enrollment, Then the account is enrolled and the role and the principal are reported', async () => {
    const world = memberWorld();
    world.inventory.setTrust(ACCOUNT, EXEC_ROLE, trusting(ORG_ADMIN ?? '', '444455556666'));
    // Not whitelisted: its trust is the boundary's business, not this check's.
    world.inventory.setTrust(ACCOUNT, 'app-role', trusting('444455556666'));

    const result = await enroll(world);

    const planted = `whitelisted role ${EXEC_ARN} admits arn:aws-cn:iam::444455556666:root (trust Statement[0])`;
    expect(result.warnings).toEqual([planted]);
    expect(world.notifier.notices.find((notice) => notice.code === 'WHITELIST_TRUST_OPEN')).toMatchObject({
      accountId: ACCOUNT,
      details: [planted],
    });
    expect(world.accounts.records.get(ACCOUNT)?.status).toBe('ACTIVE');
  });

  it('Given WhitelistTrustCheck=refuse, Then the account is refused naming role and principal, before anything in it is written', async () => {
    const world = memberWorld({ whitelistTrustCheck: 'refuse' });
    world.inventory.setTrust(ACCOUNT, EXEC_ROLE, trusting(`arn:aws-cn:iam::${ACCOUNT}:root`));

    await expect(enroll(world)).rejects.toMatchObject({
      code: 'WHITELIST_TRUST_OPEN',
      message: expect.stringContaining(`${EXEC_ARN} admits arn:aws-cn:iam::${ACCOUNT}:root`),
    });

    expect(world.iam.policyNames(ACCOUNT)).toEqual([]);
    expect(world.iam.boundaryOf(ACCOUNT, 'role', 'app-role')).toBeUndefined();
    expect(world.accounts.records.has(ACCOUNT)).toBe(false);
    expect(world.notifier.codes()).toEqual(['WHITELIST_TRUST_OPEN']);
  });

  it('Given configured allowed principals, Then only those are expected', async () => {
    const deployer = 'arn:aws-cn:iam::444455556666:role/Deployer';
    const world = memberWorld({ whitelistTrustAllowedArns: [deployer] });
    world.inventory.setTrust(ACCOUNT, EXEC_ROLE, trusting(deployer, ORG_ADMIN ?? ''));

    const result = await enroll(world);

    expect(result.warnings).toEqual([
      `whitelisted role ${EXEC_ARN} admits ${ORG_ADMIN} (trust Statement[0])`,
    ]);
  });
});

describe('every reconcile reports what the boundary cannot close', () => {
  it('Given a planted trust and a function running as the organization access role, Then one notice each names them, every run', async () => {
    const world = memberWorld();
    await enroll(world);
    world.inventory.setTrust(ACCOUNT, EXEC_ROLE, trusting('444455556666'));
    world.inventory.setTrust(ACCOUNT, 'OrganizationAccountAccessRole', trusting(MANAGEMENT_ACCOUNT));
    const orgRole = `arn:aws-cn:iam::${ACCOUNT}:role/OrganizationAccountAccessRole`;
    const fn = `arn:aws-cn:lambda:cn-north-1:${ACCOUNT}:function:ops`;
    world.inventory.addUse(ACCOUNT, { kind: 'lambda-function', arn: fn, roleArn: orgRole });
    world.notifier.notices.length = 0;

    const first = await reconcileAccounts(world.ctx);
    const second = await reconcileAccounts(world.ctx);

    expect(first.drifted).toEqual([]);
    expect(first.exposed).toEqual([
      expect.objectContaining({ accountId: ACCOUNT, compute: [expect.objectContaining({ arn: fn })] }),
    ]);
    expect(second.exposed).toHaveLength(1);
    expect(world.notifier.codes()).toEqual([
      'WHITELIST_TRUST_OPEN',
      'EXEMPT_ROLE_IN_USE',
      'WHITELIST_TRUST_OPEN',
      'EXEMPT_ROLE_IN_USE',
    ]);
    expect(world.notifier.notices[1]?.details).toEqual([
      `${ACCOUNT}: Lambda function ${fn} runs as ${orgRole}`,
    ]);
    // Regional compute is looked for where scp-alt runs and where IAM events arrive (aws-cn: cn-north-1).
    expect(world.inventory.regionsAsked[0]).toEqual(['cn-north-1']);
  });

  it('Given the roles cannot be read, Then the account is reported as not checked and the reconcile goes on', async () => {
    const world = memberWorld();
    await enroll(world);
    world.inventory.failWith = Object.assign(new Error('denied'), { name: 'AccessDenied' });
    world.notifier.notices.length = 0;

    const report = await reconcileAccounts(world.ctx);

    expect(report.drifted).toEqual([]);
    expect(world.notifier.notices).toEqual([
      expect.objectContaining({
        code: 'EXEMPT_ROLE_IN_USE',
        details: [`${ACCOUNT}: not checked, the account's roles: AccessDenied: denied`],
      }),
    ]);
  });

  it('Given nothing exposed, Then the report is as before and nothing is sent', async () => {
    const world = memberWorld();
    await enroll(world);
    world.notifier.notices.length = 0;

    expect(await reconcileAccounts(world.ctx)).toEqual({ checked: 1, drifted: [], unreachable: [] });
    expect(world.notifier.notices).toEqual([]);
  });
});
