/** The installed entry point, spawned as an operator would run it, against the local stack. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { policyKey, samplePolicy } from '#dev/local-deployment/policy-files.ts';
import { useScpAlt } from '../support/for-tests.ts';
import { operatorEnvironment, scpAlt } from './operator.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const deployed = useScpAlt();
const { stack } = deployed;

describe('node bin/scp-alt.js against the local stack', () => {
  let env: Record<string, string>;
  let appProd: string;
  beforeAll(async () => {
    env = await operatorEnvironment(stack, deployed.scpAlt.deployment);
    appProd = stack.organization.accounts['app-prod'] ?? '';
    const prod = stack.organization.ous['Workloads/Prod'] ?? '';
    await deployed.scpAlt.uploadPolicy(policyKey(prod), await samplePolicy('deny-leave-organization'));
    // 'register' is the hidden name of enroll: the spawned CLI still accepts it.
    expect((await scpAlt(env, 'register', '--account', appProd, '--ou', prod)).code).toBe(0);
  });

  it('Given --endpoint-url on the command line, when status --json is spawned, then it prints the records and exits 0', () => {
    const { AWS_ENDPOINT_URL: endpoint = '', ...withoutEndpoint } = env;
    const result = spawnSync(
      process.execPath,
      ['bin/scp-alt.js', 'status', '--json', '--endpoint-url', endpoint],
      {
        cwd: root,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', ...withoutEndpoint },
      },
    );
    // Node 20 gets the SDK's end-of-support warning on stderr; nothing else may be there.
    expect(result.stderr).not.toContain('scp-alt');
    expect(result.status).toBe(0);
    const { accounts } = JSON.parse(result.stdout) as { accounts: { accountId: string; status: string }[] };
    expect(accounts).toEqual([expect.objectContaining({ accountId: appProd, status: 'ACTIVE' })]);
  });

  it('Given no region anywhere, when a command needing AWS is spawned, then it is a usage error (exit 2)', () => {
    const result = spawnSync(process.execPath, ['bin/scp-alt.js', 'status'], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('no region: pass --region, set AWS_REGION');
  });
});
