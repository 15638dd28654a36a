/**
 * `make demo`: scp-alt end to end on the local environment (dev/local-env), which it starts and
 * stops itself: an organization seeded, scp-alt deployed, the packaged functions wired to their
 * triggers. Plays the original use cases as people would — files uploaded, the Service Catalog
 * product launched, a role created in a member account — and the functions answer on their own.
 * Prints a report; exits non-zero when any expectation is missed. `--keep` (`make demo KEEP=1`)
 * leaves the environment running afterwards for exploring, as `make local-env` does;
 * `--from-source` runs the functions from the TypeScript sources instead of the zips.
 */
import { parseArgs } from 'node:util';
import { type LocalEnvironment, startLocalEnvironment } from '#dev/local-env/environment.ts';
import {
  claimEnvironmentFiles,
  describeEnvironment,
  environmentFiles,
  exportLines,
  removeEnvironmentFiles,
  writeEnvironmentFiles,
} from '#dev/local-env/files.ts';
import { readyText } from '#dev/local-env/report.ts';
import { Checklist } from './demo/checklist.ts';
import { simulateDeniedRequest } from './demo/denied-request.ts';
import { demoReport } from './demo/report.ts';
import {
  createPrincipals,
  type Demo,
  deregisterSandbox,
  enrollMembers,
  refuseReservedAccounts,
  updateWorkloadsPolicy,
  uploadBrokenFile,
  uploadSamplePolicies,
} from './demo/steps.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const STEPS: [string, (demo: Demo) => Promise<void>][] = [
  ['Upload sample policies from policies/ to the policy bucket', uploadSamplePolicies],
  ['Enroll app-dev, app-prod, sandbox (Service Catalog → custom resource)', enrollMembers],
  ['Try to enroll the security and the management account', refuseReservedAccounts],
  ['Add a policy file to the Workloads OU (S3 notification → s3-event-dispatcher)', updateWorkloadsPolicy],
  [
    'Create a role and a user in app-dev (CloudTrail → security bus → iam-event-dispatcher)',
    createPrincipals,
  ],
  ['A request app-dev is now denied, as scp-alt simulate explains it', simulateDeniedRequest],
  ['Upload a broken policy file for the Sandbox OU', uploadBrokenFile],
  ['Deregister sandbox (terminate the provisioned product)', deregisterSandbox],
];

const say = (line: string) => process.stdout.write(`${line}\n`);

async function play(env: LocalEnvironment): Promise<Checklist> {
  const { organization } = env;
  say(
    `Organization ${organization.organizationId}: root ${organization.rootId}, OUs ${Object.keys(organization.ous).sort().join(', ')}; accounts ${Object.keys(organization.accounts).join(', ')}; scp-alt in security (${organization.securityAccountId})`,
  );
  const demo: Demo = { env, checks: new Checklist(), refusals: [], say };
  for (const [index, [title, step]] of STEPS.entries()) {
    say(`\n[${index + 1}/${STEPS.length}] ${title}`);
    await step(demo);
  }
  say(await demoReport(demo));
  return demo.checks;
}

const NEXT_STEP = `
Next: \`make demo KEEP=1\` keeps this environment running after the report, to explore it with
scp-alt and the AWS CLI; \`make local-env\` starts one without the demo (README: Operating →
Example session, Development).`;

/** Leaves the environment to the person at the terminal until Ctrl-C, as `make local-env` does. */
async function keepRunning(env: LocalEnvironment, startedAt: Date, startMs: number): Promise<void> {
  const files = environmentFiles();
  const description = describeEnvironment(env, startedAt);
  await writeEnvironmentFiles(description, files);
  process.stderr.write(
    `\n${readyText(env, { description, files, elapsedMs: startMs, reconcileEvery: '10m' })}\n`,
  );
  say(exportLines(description, files).join('\n'));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  process.stderr.write('stopping…\n');
  await removeEnvironmentFiles(files);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { keep: { type: 'boolean' }, 'from-source': { type: 'boolean' } },
  });
  if (values.keep) await claimEnvironmentFiles(environmentFiles());
  const startedAt = new Date();
  say('Starting the local environment: AWS stack (moto + fidelity proxy), organization, scp-alt, triggers…');
  const env = await startLocalEnvironment({ functions: values['from-source'] ? 'source' : 'zip' });
  const startMs = Date.now() - startedAt.getTime();
  const interrupted = () => {
    void env.stop().finally(() => process.exit(130));
  };
  if (!values.keep) {
    process.once('SIGINT', interrupted);
    process.once('SIGTERM', interrupted);
  }
  try {
    const checks = await play(env);
    const seconds = ((Date.now() - startedAt.getTime()) / 1000).toFixed(1);
    const failed = checks.failures.length;
    say(`\n${checks.results.length - failed}/${checks.results.length} expectations met in ${seconds} s`);
    if (values.keep) await keepRunning(env, startedAt, startMs);
    else say(NEXT_STEP);
    return failed === 0 ? 0 : 1;
  } catch (error) {
    process.stderr.write(
      `demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  } finally {
    await env.stop();
  }
}

process.exitCode = await main();
process.exit();
