import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '#cli/main.ts';
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

  it('Given --json, when compiled, then stdout is exactly one object with policy, size, sources and warnings', async () => {
    const dir = policyFolder({ 'permission-boundary-policy/ou-ab12-11111111.json': allowS3 });
    const io = fakeIo();
    expect(await runCli([...baseArgs(dir), '--json', '--partition', 'aws'], io)).toBe(0);
    const result = JSON.parse(io.out());
    expect(Object.keys(result).sort()).toEqual(['policy', 'size', 'sources', 'warnings']);
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
    const text = JSON.stringify(JSON.parse(io.out()).policy);
    expect(text).toContain(`arn:aws-cn:iam::${ACCOUNT}:role/Admin`);
    expect(text).toContain(`arn:aws-cn:iam::${ACCOUNT}:role/ci`);
    expect(text).not.toContain('iam:CreateRole');
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
