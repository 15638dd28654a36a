/**
 * `make demo`: scp-alt end to end on a local AWS stack it starts and stops itself. Seeds an
 * organization, deploys scp-alt's resources, then plays the original use cases through the real
 * handlers: enroll, refuse reserved accounts, change a policy, create principals, upload a broken
 * file, deregister. Prints a report; exits non-zero when any expectation is missed.
 */

import { seedOrganization } from '#dev/local-aws/seed.ts';
import { type LocalStack, startLocalStack } from '#dev/local-aws/stack.ts';
import { LocalScpAlt } from '#dev/local-deployment/scp-alt.ts';
import { Checklist } from './demo/checklist.ts';
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

const STEPS: [string, (demo: Demo) => Promise<void>][] = [
  ['Upload sample policies from policies/ to the policy bucket', uploadSamplePolicies],
  ['Enroll app-dev, app-prod, sandbox (Service Catalog → custom resource)', enrollMembers],
  ['Try to enroll the security and the management account', refuseReservedAccounts],
  ['Add a policy file to the Workloads OU', updateWorkloadsPolicy],
  ['Create a role and a user in app-dev (CloudTrail → security bus)', createPrincipals],
  ['Upload a broken policy file for the Sandbox OU', uploadBrokenFile],
  ['Deregister sandbox (terminate the provisioned product)', deregisterSandbox],
];

const say = (line: string) => process.stdout.write(`${line}\n`);

async function play(stack: LocalStack): Promise<Checklist> {
  const organization = await seedOrganization(stack);
  say(`Organization ${organization.organizationId}: ${Object.keys(organization.accounts).length} accounts`);
  const scpAlt = await LocalScpAlt.start(stack, organization);
  const demo: Demo = {
    stack,
    organization,
    scpAlt,
    checks: new Checklist(),
    refusals: [],
    messages: [],
    say,
  };
  try {
    for (const [index, [title, step]] of STEPS.entries()) {
      say(`\n[${index + 1}/${STEPS.length}] ${title}`);
      await step(demo);
    }
    say(await demoReport(demo));
  } finally {
    await scpAlt.stop();
  }
  return demo.checks;
}

async function main(): Promise<number> {
  const startedAt = Date.now();
  say('Starting the local AWS stack (moto + fidelity proxy)…');
  const stack = await startLocalStack();
  const stop = () => {
    void stack.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const checks = await play(stack);
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    const failed = checks.failures.length;
    say(`\n${checks.results.length - failed}/${checks.results.length} expectations met in ${seconds} s`);
    return failed === 0 ? 0 : 1;
  } catch (error) {
    process.stderr.write(
      `demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  } finally {
    await stack.stop();
  }
}

process.exitCode = await main();
