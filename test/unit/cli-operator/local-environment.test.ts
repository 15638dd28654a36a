/** `--local` and SCP_ALT_LOCAL_ENV: the CLI takes its settings from a running `make local-env`. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL_ENV_FILE, withLocalEnvironment } from '#cli/operator/local-environment.ts';
import { operatorClientConfig } from '#cli/operator/session.ts';
import { SettingError } from '#cli/operator/usage-error.ts';

const LOCAL_VARIABLES = {
  AWS_ENDPOINT_URL: 'http://127.0.0.1:45678',
  AWS_REGION: 'cn-north-1',
  AWS_ACCESS_KEY_ID: 'ASIALOCALOPERATOR',
  AWS_SECRET_ACCESS_KEY: 'local-secret',
  AWS_SESSION_TOKEN: 'local-token',
  MANAGEMENT_ACCOUNT_ID: '123456789012',
  SCP_ALT_STAGE: 'prod',
};
const RUNNING = 4242;
const running = (pid: number) => pid === RUNNING;

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A checkout with a running environment's settings file; returns its root. */
function checkout(settings: unknown = { pid: RUNNING, variables: LOCAL_VARIABLES }): string {
  const root = mkdtempSync(join(tmpdir(), 'scp-alt-local-env-'));
  folders.push(root);
  mkdirSync(join(root, LOCAL_ENV_FILE, '..'), { recursive: true });
  writeFileSync(
    join(root, LOCAL_ENV_FILE),
    typeof settings === 'string' ? settings : JSON.stringify(settings),
  );
  return root;
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SettingError);
    return (error as Error).message;
  }
  throw new Error('expected a SettingError');
}

describe('the local environment as the CLI sees it', () => {
  it('Given neither --local nor SCP_ALT_LOCAL_ENV, then the environment is used as it is', () => {
    const env = { AWS_REGION: 'cn-northwest-1', AWS_PROFILE: 'prod' };
    expect(withLocalEnvironment(false, env, checkout(), running)).toBe(env);
  });

  it('Given --local in a folder below the checkout, then the settings file is found and its variables replace the shell profile', () => {
    const root = checkout();
    const below = join(root, 'policies', 'team');
    mkdirSync(below, { recursive: true });
    const env = {
      AWS_PROFILE: 'prod',
      AWS_DEFAULT_PROFILE: 'prod',
      AWS_REGION: 'cn-northwest-1',
      HOME: '/home/op',
    };
    const local = withLocalEnvironment(true, env, below, running);
    expect(local).toEqual({ ...LOCAL_VARIABLES, HOME: '/home/op' });
  });

  it('Given SCP_ALT_LOCAL_ENV naming the file, then it applies without --local, relative to the working folder', () => {
    const root = checkout();
    const local = withLocalEnvironment(false, { SCP_ALT_LOCAL_ENV: LOCAL_ENV_FILE }, root, running);
    expect(local.AWS_ENDPOINT_URL).toBe(LOCAL_VARIABLES.AWS_ENDPOINT_URL);
    expect(local.MANAGEMENT_ACCOUNT_ID).toBe('123456789012');
  });

  it('Given the local settings and --endpoint-url on the command line, then the flag still wins', () => {
    const local = withLocalEnvironment(true, {}, checkout(), running);
    expect(operatorClientConfig({}, local).endpoint).toBe(LOCAL_VARIABLES.AWS_ENDPOINT_URL);
    expect(operatorClientConfig({ 'endpoint-url': 'http://127.0.0.1:1' }, local).endpoint).toBe(
      'http://127.0.0.1:1',
    );
    expect(operatorClientConfig({}, local).credentials).toMatchObject({ accessKeyId: 'ASIALOCALOPERATOR' });
  });

  it('Given --local where no environment was started, then the refusal names the file looked for and how to start one', () => {
    const empty = mkdtempSync(join(tmpdir(), 'scp-alt-no-env-'));
    folders.push(empty);
    const message = refusal(() => withLocalEnvironment(true, {}, empty, running));
    expect(message).toContain(`--local: no local environment (${LOCAL_ENV_FILE} in ${empty}`);
    expect(message).toContain('make local-env');
  });

  it('Given SCP_ALT_LOCAL_ENV naming a file that is gone (the environment stopped), then it says the environment is not running', () => {
    const message = refusal(() =>
      withLocalEnvironment(false, { SCP_ALT_LOCAL_ENV: '/nowhere/env.json' }, '/', running),
    );
    expect(message).toBe(
      'SCP_ALT_LOCAL_ENV names /nowhere/env.json, which does not exist: the local environment is not running; start it with `make local-env` in the checkout',
    );
  });

  it('Given a settings file whose process has ended (killed, not stopped), then it is refused as stale', () => {
    const root = checkout({ pid: 99, variables: LOCAL_VARIABLES });
    expect(refusal(() => withLocalEnvironment(true, {}, root, running))).toContain(
      '(pid 99) is no longer running',
    );
  });

  it("Given a file that is not a local environment's settings, then it is refused, naming the file", () => {
    const root = checkout('{"variables": "no"}');
    expect(refusal(() => withLocalEnvironment(true, {}, root, running))).toMatch(
      /^--local: .*env\.json is not the settings file of a local environment/,
    );
  });
});
