/**
 * `make local-env` / `npm run -s local-env`: the local environment in the foreground. Prints the
 * organization and what is wired on stderr, the CLI's `export` lines on stdout, writes
 * `.scratch/local-env/` (files.ts), logs every invocation and failure notice, and runs until
 * Ctrl-C, which stops everything and removes the files.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalEnvironment } from './environment.ts';
import { LocalEnvError } from './errors.ts';
import {
  claimEnvironmentFiles,
  describeEnvironment,
  environmentFiles,
  exportLines,
  removeEnvironmentFiles,
  writeEnvironmentFiles,
} from './files.ts';
import { invocationLine, noticeLines, readyText } from './report.ts';
import { staleZipsWarning } from './stale-zips.ts';

const USAGE = `Usage: npm run -s local-env -- [options]     (make local-env packages the functions first)

scp-alt on the local AWS stack, wired as in AWS, until Ctrl-C.

Options:
  --from-source          run the functions in this process from the TypeScript sources
                         (default: the zips of make package, one plain node process per invocation)
  --consumers N          concurrent consumers per queue (default 3)
  --reconcile-every D    the reconciler's schedule: 30s, 10m, 1h or off (default 10m; AWS: 6h)
  --port N               port of the local endpoint (default: a free one)
  --files DIR            where to write env.json, exports.sh and aws-config
                         (default .scratch/local-env, where scp-alt --local looks)
  --verbose              print each invocation's log
  -h, --help             show this help
`;

function duration(text: string): number {
  if (text === 'off') return 0;
  const match = /^(\d+)(s|m|h)$/.exec(text);
  if (!match)
    throw new LocalEnvError('local-env.bad-option', `--reconcile-every '${text}': use 30s, 10m, 1h or off`);
  const unit = { s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}

function positive(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new LocalEnvError('local-env.bad-option', `--${name} '${text}' is not a positive whole number`);
  return value;
}

// The SDK's notice that its 2027 releases need Node 22 is for the maintainers (README), not this log.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const say = (text: string) => process.stderr.write(`${text}\n`);

const OPTIONS = {
  'from-source': { type: 'boolean' },
  consumers: { type: 'string' },
  'reconcile-every': { type: 'string' },
  port: { type: 'string' },
  files: { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The command line, its refusals (node:util parseArgs) turned into a usage error. */
function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, strict: true }).values;
  } catch (error) {
    throw new LocalEnvError('local-env.bad-option', `${(error as Error).message}\n\n${USAGE}`);
  }
}

async function main(argv: string[]): Promise<number> {
  const values = parseCommandLine(argv);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const files = environmentFiles(values.files === undefined ? undefined : resolve(values.files));
  await claimEnvironmentFiles(files);
  const functions = values['from-source'] ? 'source' : 'zip';
  if (functions === 'zip') {
    const warning = staleZipsWarning();
    if (warning) say(`warning: ${warning}`);
  }
  const reconcileEvery = values['reconcile-every'] ?? '10m';
  const startedAt = new Date();
  say('Starting the local AWS stack, seeding the organization, deploying scp-alt…');
  const env = await startLocalEnvironment({
    functions,
    consumers: positive('consumers', values.consumers),
    reconcileEveryMs: duration(reconcileEvery),
    port: positive('port', values.port),
    onInvocation: (invocation, detail) => say(invocationLine(invocation, detail, values.verbose ?? false)),
    onNotice: (text) => say(noticeLines(text)),
  });
  const description = describeEnvironment(env, startedAt);
  await writeEnvironmentFiles(description, files);
  say(readyText(env, { description, files, elapsedMs: Date.now() - startedAt.getTime(), reconcileEvery }));
  process.stdout.write(`${exportLines(description, files).join('\n')}\n`);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) process.exit(130);
      stopping = true;
      say(`${signal}: stopping (Ctrl-C again to stop at once)…`);
      resolve();
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
  await env.stop();
  await removeEnvironmentFiles(files);
  say(`stopped; ${files.dir} removed`);
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  say(`local-env: ${message}`);
  process.exitCode = error instanceof LocalEnvError && error.code === 'local-env.bad-option' ? 2 : 1;
}
// Open sockets of the SDK clients must not keep a stopped environment alive.
process.exit();
