import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '#cli/main.ts';
import type { PolicyDocument } from '#policy/types.ts';
import { fakeIo } from './fake-io.ts';

const ACCOUNT = '111122223333';
const allowS3 = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
const denyDelete = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: '*', Resource: '*' },
    { Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' },
  ],
};

/** A policy folder: files relative to it. */
function policyFolder(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'scp-alt-compile-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

const baseArgs = (dir: string) => [
  'compile',
  '--policies',
  dir,
  '--account',
  ACCOUNT,
  '--ou-path',
  'r-ab12/ou-ab12-11111111',
];

describe('scp-alt compile', () => {
  it('Given an OU file and an account folder file, when compiled, then stdout is the pretty boundary and exit 0', async () => {
    const dir = policyFolder({
      'ou-ab12-11111111.json': allowS3,
      [`account-${ACCOUNT}/deny.json`]: denyDelete,
    });
    const io = fakeIo();
    expect(await runCli(baseArgs(dir), io)).toBe(0);
    const policy = JSON.parse(io.out());
    expect(policy.Version).toBe('2012-10-17');
    expect(policy.Statement).toContainEqual({
      Sid: 'ScpAltAllowedByOuab1211111111',
      Effect: 'Deny',
      NotAction: 's3:*',
      Resource: '*',
    });
    expect(io.out()).toContain('\n  "Statement"');
  });

  it('Given --json, when compiled, then stdout is exactly one object with policy, size, sources, warnings and additionalPolicies', async () => {
    const dir = policyFolder({ 'permission-boundary-policy/ou-ab12-11111111.json': allowS3 });
    const io = fakeIo();
    expect(await runCli([...baseArgs(dir), '--json', '--partition', 'aws'], io)).toBe(0);
    const result = JSON.parse(io.out());
    expect(Object.keys(result).sort()).toEqual([
      'additionalPolicies',
      'policy',
      'size',
      'sources',
      'warnings',
    ]);
    expect(result.additionalPolicies).toEqual([]);
    expect(result.sources).toEqual(['permission-boundary-policy/ou-ab12-11111111.json']);
    expect(result.size).toBe(JSON.stringify(result.policy).length);
    expect(JSON.stringify(result.policy)).toContain(
      `arn:aws:events:us-east-1:${ACCOUNT}:rule/scp-event-rule`,
    );
  });

  it('Given options for roles and creation, when compiled, then the boundary reflects them', async () => {
    const dir = policyFolder({ 'r-ab12.json': denyDelete });
    const io = fakeIo();
    const args = [
      ...baseArgs(dir),
      '--org-role',
      'Admin',
      '--automation-roles',
      `arn:aws-cn:iam::${ACCOUNT}:role/ci`,
      '--no-require-boundary-on-create',
      '--json',
    ];
    expect(await runCli(args, io)).toBe(0);
    const policy = JSON.parse(io.out()).policy as PolicyDocument;
    const text = JSON.stringify(policy);
    expect(text).toContain(`arn:aws-cn:iam::${ACCOUNT}:role/Admin`);
    expect(text).toContain(`arn:aws-cn:iam::${ACCOUNT}:role/ci`);
    // Without the requirement, CreateRole is denied only when the request names another boundary.
    const createDenies = policy.Statement.filter((s) => [s.Action ?? []].flat().includes('iam:CreateRole'));
    expect(createDenies.length).toBeGreaterThan(0);
    for (const statement of createDenies)
      expect(statement.Condition?.Null).toEqual({ 'iam:PermissionsBoundary': 'false' });
  });

  it("Given no --whitelist, when compiled, then the deployment default stacksets-exec-* is protected; --whitelist '' clears it", async () => {
    const dir = policyFolder({ 'r-ab12.json': denyDelete });
    const withDefault = fakeIo();
    expect(await runCli([...baseArgs(dir), '--json'], withDefault)).toBe(0);
    expect(JSON.stringify(JSON.parse(withDefault.out()).policy)).toContain(`role/stacksets-exec-*`);
    const cleared = fakeIo();
    expect(await runCli([...baseArgs(dir), '--json', '--whitelist', ''], cleared)).toBe(0);
    expect(JSON.stringify(JSON.parse(cleared.out()).policy)).not.toContain('stacksets-exec');
    expect(JSON.parse(cleared.out()).size).toBeLessThan(JSON.parse(withDefault.out()).size);
  });

  it("Given --protected-trails, when compiled, then the named trails are protected as enrollment protects them; another account's trail is a usage error", async () => {
    const dir = policyFolder({ 'r-ab12.json': denyDelete });
    const io = fakeIo();
    expect(await runCli([...baseArgs(dir), '--json', '--protected-trails', 'org-audit'], io)).toBe(0);
    const protect = (JSON.parse(io.out()).policy.Statement as { Sid?: string; Resource?: string[] }[]).find(
      (statement) => statement.Sid === 'ScpAltProtect',
    );
    expect(protect?.Resource).toContain('arn:aws-cn:cloudtrail:*:111122223333:trail/org-audit');

    const foreign = fakeIo();
    const arn = 'arn:aws-cn:cloudtrail:cn-north-1:444455556666:trail/org-audit';
    expect(await runCli([...baseArgs(dir), '--protected-trails', arn], foreign)).toBe(2);
    expect(foreign.err()).toContain('a trail of account 444455556666, not of 111122223333');
  });

  describe('a chain larger than one policy', () => {
    const denies = Array.from({ length: 90 }, (_, index) => ({
      Effect: 'Deny',
      Action: 'ec2:RunInstances',
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalTag/cost-centre': `cost-centre-number-${index}` } },
    }));
    const big = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, ...denies],
    };

    it('Given --json, when compiled, then policy stays the boundary and additionalPolicies lists { name, policy } in attachment order', async () => {
      const io = fakeIo();
      expect(await runCli([...baseArgs(policyFolder({ 'r-ab12.json': big })), '--json'], io)).toBe(0);
      const result = JSON.parse(io.out());
      expect(result.additionalPolicies.map((extra: { name: string }) => extra.name)).toEqual([
        'scp-enforce-policy-2',
        'scp-enforce-policy-3',
      ]);
      for (const extra of result.additionalPolicies) {
        expect(Object.keys(extra).sort()).toEqual(['name', 'policy']);
        expect(
          extra.policy.Statement.every((statement: { Effect: string }) => statement.Effect === 'Deny'),
        ).toBe(true);
      }
      expect(JSON.stringify(result.policy)).toContain('iam:*PermissionsBoundary');
    });

    it('Given text output, when compiled, then each policy follows a line naming it and its size, and stderr sums the sizes', async () => {
      const io = fakeIo();
      expect(await runCli(baseArgs(policyFolder({ 'r-ab12.json': big })), io)).toBe(0);
      expect(io.out()).toMatch(/^\/\/ scp-enforce-policy \(boundary, [\d,]+ \/ 6,144 characters\)\n\{/);
      expect(io.out()).toMatch(/\n\/\/ scp-enforce-policy-2 \([\d,]+ \/ 6,144 characters\)\n\{/);
      expect(io.err()).toMatch(/^size: scp-enforce-policy [\d,]+ \/ 6,144 characters; scp-enforce-policy-2 /);
    });

    it('Given --max-additional-policies 0, when compiled, then exit 1 with the size error; a value that is not a number is exit 2', async () => {
      const dir = policyFolder({ 'r-ab12.json': big });
      const refused = fakeIo();
      expect(await runCli([...baseArgs(dir), '--max-additional-policies', '0'], refused)).toBe(1);
      expect(refused.err()).toContain('compile.size.exceeded');
      const wrong = fakeIo();
      expect(await runCli([...baseArgs(dir), '--max-additional-policies', 'many'], wrong)).toBe(2);
      expect(wrong.err()).toContain('--max-additional-policies');
    });
  });

  it('Given an inexpressible allow, when compiled, then exit 1 and stderr names file, statement and rule', async () => {
    const conditional = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: '*',
          Resource: '*',
          Condition: { BinaryEquals: { 'aws:TokenIssueTime': 'QQ==' } },
        },
      ],
    };
    const dir = policyFolder({ 'r-ab12.json': conditional });
    const io = fakeIo();
    expect(await runCli(baseArgs(dir), io)).toBe(1);
    expect(io.err()).toContain(
      'compile.allow.inexpressible at permission-boundary-policy/r-ab12.json Statement[0]',
    );
    expect(io.out()).toBe('');
  });

  it('Given no file for the account anywhere, when compiled, then exit 1 and the message says where it looked', async () => {
    const dir = policyFolder({ 'ou-ab12-99999999.json': allowS3 });
    const io = fakeIo();
    expect(await runCli(baseArgs(dir), io)).toBe(1);
    expect(io.err()).toContain(`no policy applies to account ${ACCOUNT}`);
  });

  it('Given a missing required option, an unknown option or a missing folder, when run, then exit 2', async () => {
    const dir = policyFolder({ 'r-ab12.json': allowS3 });
    for (const argv of [
      ['compile', '--policies', dir, '--account', ACCOUNT],
      [...baseArgs(dir), '--colour'],
      [...baseArgs(join(dir, 'missing'))],
      ['compile', '--policies', dir, '--account', '12345', '--ou-path', 'r-ab12'],
      [...baseArgs(dir), '--partition', 'aws-mars'],
    ]) {
      const io = fakeIo();
      expect(await runCli(argv, io)).toBe(2);
      expect(io.err()).toContain('Usage: scp-alt compile');
    }
  });
});

describe('scp-alt', () => {
  it('Given --help, when run, then every registered command is listed and exit 0', async () => {
    const io = fakeIo();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(io.out()).toMatch(/validate\s+check SCP policy files/);
    expect(io.out()).toMatch(/compile\s+compile/);
  });

  it('Given an unknown command, when run, then exit 2', async () => {
    const io = fakeIo();
    expect(await runCli(['frobnicate'], io)).toBe(2);
    expect(io.err()).toContain("unknown command 'frobnicate'");
  });
});
