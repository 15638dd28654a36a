/** simulate cannot mislead: a typo is not "Allowed", and a principal without a boundary is not "Denied". */
import { describe, expect, it } from 'vitest';
import { makeSimulateCommand } from '#cli/commands/simulate.ts';
import { runCli } from '#cli/main.ts';
import { fakeIo, offlineEnvironment, policyFolder } from './helpers.ts';

const ACCOUNT = '111122223333';
const denyS3 = policyFolder({
  'r-ab12.json': {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Deny', Action: 's3:*', Resource: '*' },
    ],
  },
});

async function simulate(...argv: string[]) {
  const io = fakeIo();
  const code = await runCli(
    ['simulate', '--policies', denyS3, '--ou-path', 'r-ab12', '--account', ACCOUNT, ...argv],
    io,
    [makeSimulateCommand(offlineEnvironment)],
  );
  return { code, out: io.out(), err: io.err() };
}

describe('scp-alt simulate', () => {
  it('Given a mistyped action, when simulated, then it is refused with the nearest real action (exit 2)', async () => {
    const result = await simulate('--action', 'ec2:RunInstancez');
    expect(result.code).toBe(2);
    expect(result.err).toContain(
      "scp-alt simulate: unknown action 'ec2:RunInstancez' (did you mean 'ec2:RunInstances'?); pass --allow-unknown-actions",
    );
    expect(result.out).toBe('');
  });

  it('Given an unknown service, when simulated, then the service is named (exit 2)', async () => {
    const result = await simulate('--action', 'ec3:RunInstances');
    expect(result.code).toBe(2);
    expect(result.err).toContain("unknown service 'ec3' in 'ec3:RunInstances'");
  });

  it('Given --allow-unknown-actions, when an action newer than the catalog is simulated, then it is decided with a warning', async () => {
    const result = await simulate('--action', 'ec2:LaunchSomethingNew', '--allow-unknown-actions');
    expect(result.code).toBe(0);
    expect(result.err).toContain("warning: unknown action 'ec2:LaunchSomethingNew'");
    expect(result.out).toContain('Allowed');
  });

  it('Given an action in other letter case, when simulated, then the catalog spelling is decided', async () => {
    const result = await simulate('--action', 's3:getobject', '--json');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.out).request.action).toBe('s3:GetObject');
  });

  it.each([
    [
      `arn:aws-cn:iam::${ACCOUNT}:role/OrganizationAccountAccessRole`,
      'organization access role OrganizationAccountAccessRole',
    ],
    [
      `arn:aws-cn:sts::${ACCOUNT}:assumed-role/OrganizationAccountAccessRole/admin`,
      'organization access role OrganizationAccountAccessRole',
    ],
    [
      `arn:aws-cn:iam::${ACCOUNT}:role/stacksets-exec-0123abcd`,
      "whitelisted by WhitelistRoleName 'stacksets-exec-*'",
    ],
    [
      `arn:aws-cn:iam::${ACCOUNT}:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing`,
      'service-linked role',
    ],
  ])(
    'Given the exempt principal %s, when simulated, then it is answered Exempt with the chain decision beside it (exit 0)',
    async (principal, why) => {
      const result = await simulate('--action', 's3:GetObject', '--principal', principal);
      expect(result.code).toBe(0);
      expect(result.out).toContain(
        `Exempt: ${principal} carries no boundary (${why}); scp-alt does not restrict it`,
      );
      expect(result.out).toContain('the SCP chain alone would decide (as native SCPs would):');
      expect(result.out).toContain('  Denied (ExplicitDeny, by scp-file)');
    },
  );

  it('Given an exempt principal and --json, then decision, reason and the chain result are separate fields', async () => {
    const principal = `arn:aws-cn:iam::${ACCOUNT}:role/OrganizationAccountAccessRole`;
    const result = await simulate('--action', 's3:GetObject', '--principal', principal, '--json');
    const answer = JSON.parse(result.out);
    expect(answer).toMatchObject({
      decision: 'Exempt',
      exemptBecause: 'organization access role OrganizationAccountAccessRole',
      chainDecision: 'Denied',
    });
  });

  it('Given a role named like the access role under another path or account, then it is not exempt', async () => {
    const result = await simulate(
      '--action',
      's3:GetObject',
      '--principal',
      `arn:aws-cn:iam::${ACCOUNT}:role/x/OrganizationAccountAccessRole`,
    );
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^Denied/);
  });

  it('Given --policies and --ou-path and no AWS setting at all, when simulated, then it decides offline (aws-cn, cn-north-1)', async () => {
    const result = await simulate('--action', 'ec2:RunInstances', '--json');
    expect(result.code).toBe(0);
    const answer = JSON.parse(result.out);
    expect(answer.decision).toBe('Allowed');
    expect(answer.request.context['aws:RequestedRegion']).toBe('cn-north-1');
    expect(answer.request.principalArn).toBe(`arn:aws-cn:iam::${ACCOUNT}:role/scp-alt-simulated-role`);
  });
});

describe('scp-alt simulate, a chain larger than the boundary', () => {
  const spilling = policyFolder({
    'r-ab12.json': {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: '*', Resource: '*' },
        ...Array.from({ length: 120 }, (_, index) => ({
          Effect: 'Deny',
          Action: 'ec2:RunInstances',
          Resource: '*',
          Condition: { StringEquals: { 'aws:PrincipalTag/team': `team-${index}` } },
        })),
      ],
    },
  });
  const run = async (...argv: string[]) => {
    const io = fakeIo();
    const code = await runCli(
      ['simulate', '--policies', spilling, '--ou-path', 'r-ab12', '--account', ACCOUNT, ...argv],
      io,
      [makeSimulateCommand(offlineEnvironment)],
    );
    return { code, out: io.out(), err: io.err() };
  };

  it('Given a request only a statement of an additional policy denies, then the compiled policies deny it as the chain does', async () => {
    const result = await run(
      '--action',
      'ec2:RunInstances',
      '--context',
      'aws:PrincipalTag/team=team-119',
      '--json',
    );
    expect(result.code).toBe(1);
    expect(JSON.parse(result.out)).toMatchObject({
      decision: 'Denied',
      deniedBy: 'scp-file',
      boundaryAgrees: true,
      boundaryDecision: 'ExplicitDeny',
    });
  });

  it('Given --max-additional-policies 0, then the chain cannot be compiled and nothing is decided (exit 3)', async () => {
    const result = await run('--action', 'ec2:RunInstances', '--max-additional-policies', '0');
    expect(result.code).toBe(3);
    expect(result.err).toContain('compile.size.exceeded');
  });
});
