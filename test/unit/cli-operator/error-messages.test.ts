/**
 * Failures an operator meets before anything reaches a deployment: a made-up region, an unknown
 * profile, no credentials, an endpoint that does not answer or answers with something else. Each
 * message names what was used and what fixes it; none is reported as a defect of scp-alt.
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeStatusCommand } from '#cli/commands/status.ts';
import { runCli } from '#cli/main.ts';
import { fakeIo } from './helpers.ts';

const KEYS = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' };

async function status(env: Record<string, string>, ...argv: string[]) {
  const io = fakeIo();
  const code = await runCli(['status', ...argv], io, [makeStatusCommand({ env, stdoutIsTty: false })]);
  return { code, out: io.out(), err: io.err() };
}

function listen(handler: RequestListener): Promise<Server> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

describe('settings checked before any AWS call', () => {
  it('Given a made-up region, when status runs, then it is refused naming the region and the real ones (exit 2)', async () => {
    const result = await status({ ...KEYS }, '--region', 'cn-nrth-1');
    expect(result.code).toBe(2);
    expect(result.err).toContain(
      "scp-alt status: unknown region 'cn-nrth-1' (from --region) (did you mean 'cn-north-1'?); aws-cn has cn-north-1, cn-northwest-1",
    );
  });

  it('Given a made-up region in AWS_REGION and --json, when status runs, then stdout is one JSON usage error', async () => {
    const result = await status({ ...KEYS, AWS_REGION: 'eu-wst-1' }, '--json');
    expect(result.code).toBe(2);
    expect(JSON.parse(result.out)).toEqual({
      ok: false,
      error: {
        code: 'USAGE_ERROR',
        message: "unknown region 'eu-wst-1' (from AWS_REGION) (did you mean 'eu-west-1'?)",
      },
    });
  });

  it('Given a profile that is not in the shared files, when status runs, then the message names it and the nearest one (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scp-alt-profiles-'));
    writeFileSync(
      join(dir, 'config'),
      '[profile prod]\nregion = cn-north-1\n[profile audit]\nregion = cn-north-1\n',
    );
    writeFileSync(join(dir, 'credentials'), '');
    const result = await status({
      AWS_PROFILE: 'prdo',
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    });
    expect(result.code).toBe(2);
    expect(result.err).toContain(
      "profile 'prdo' (from AWS_PROFILE) is not in ~/.aws/config or ~/.aws/credentials (did you mean 'prod'?); profiles there: audit, prod",
    );
  });
});

describe('credentials', () => {
  beforeAll(() => {
    // The SDK's default chain reads the process environment: leave it nothing to find.
    const empty = join(mkdtempSync(join(tmpdir(), 'scp-alt-nocreds-')), 'none');
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'])
      vi.stubEnv(name, undefined);
    vi.stubEnv('AWS_CONFIG_FILE', empty);
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', empty);
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', undefined);
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', undefined);
    vi.stubEnv('AWS_WEB_IDENTITY_TOKEN_FILE', undefined);
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });

  it('Given no credentials anywhere, when status runs, then NO_CREDENTIALS says where to put them (exit 1)', async () => {
    const result = await status({ AWS_REGION: 'cn-north-1' });
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      'scp-alt status: NO_CREDENTIALS: no AWS credentials: none found in the environment, ~/.aws or instance metadata',
    );
    expect(result.err).toContain(
      'next: Pass --profile NAME (or set AWS_PROFILE), or export AWS_ACCESS_KEY_ID',
    );
    expect(result.err).not.toContain('CredentialsProviderError');
  });
});

describe('endpoints', () => {
  let html: Server;
  let closedPort: string;
  beforeAll(async () => {
    html = await listen((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html><body>Sign in to the proxy</body></html>');
    });
    const closed = await listen(() => {});
    closedPort = urlOf(closed);
    await new Promise((resolve) => closed.close(resolve));
  });
  afterAll(() => {
    html.close();
  });

  it('Given an endpoint where nothing listens, when status runs, then ENDPOINT_UNREACHABLE names it and the local stack (exit 1)', async () => {
    const result = await status({ ...KEYS, AWS_REGION: 'cn-north-1', AWS_ENDPOINT_URL: closedPort });
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      `scp-alt status: ENDPOINT_UNREACHABLE: cannot connect to the endpoint ${closedPort} (ECONNREFUSED`,
    );
    expect(result.err).toContain(
      'next: Start the local stack (`npm run -s local-stack` prints its endpoint)',
    );
    expect(result.err).not.toContain('report a bug');
    expect(result.err).not.toContain('defect');
  });

  it('Given an endpoint that answers with an HTML page, when status runs, then NOT_AN_AWS_ENDPOINT says so (exit 1)', async () => {
    const result = await status({ ...KEYS, AWS_REGION: 'cn-north-1', AWS_ENDPOINT_URL: urlOf(html) });
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      `scp-alt status: NOT_AN_AWS_ENDPOINT: sts:GetCallerIdentity at ${urlOf(html)} answered without an account`,
    );
  });

  it('Given the same endpoint and the security account given, when the table is read, then the HTML answer is named, not a SyntaxError', async () => {
    const result = await status(
      { ...KEYS, AWS_REGION: 'cn-north-1', AWS_ENDPOINT_URL: urlOf(html) },
      '--security-account',
      '111122223333',
      '--json',
    );
    expect(result.code).toBe(1);
    const { error } = JSON.parse(result.out) as {
      error: { code: string; message: string; nextAction: string };
    };
    expect(error.code).toBe('NOT_AN_AWS_ENDPOINT');
    expect(error.message).toContain(
      `the endpoint ${urlOf(html)} answered (HTTP 200) with something that is not an AWS API response`,
    );
    expect(error.nextAction).toContain('Point --endpoint-url at the local stack');
  });
});
