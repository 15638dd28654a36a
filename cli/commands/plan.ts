/** `scp-alt plan`: what uploading a policy folder would change in each account; changes nothing. */
import { parseArgs } from 'node:util';
import { policySnapshot } from '#usecases/compile-account.ts';
import { type CliCommand, type CliIo, ExitCode } from '../command.ts';
import { formatFindings } from '../format.ts';
import { AWS_OPTIONS, AWS_OPTIONS_HELP } from '../operator/aws-options.ts';
import { directorySnapshot } from '../operator/directory-snapshot.ts';
import type { OperatorEnvironment } from '../operator/environment.ts';
import { accountIdOption, commaList, guarded } from '../operator/guarded.ts';
import { type AccountPlan, planAccounts, planTargets } from '../operator/plan-accounts.ts';
import { openSession } from '../operator/session.ts';
import { describeStatement } from '../operator/statement-diff.ts';
import { printJson, type Terminal, terminalOf } from '../operator/terminal.ts';
import { UsageError } from '../operator/usage-error.ts';

const usage = `Usage: scp-alt plan [--policies DIR] [--accounts ID,ID...] [options]

For every enrolled account (or the accounts given): which policy files would apply, the compiled
boundary's size against IAM's 6,144-character limit, and the statement-level difference from the
boundary deployed now (the default version of scp-enforce-policy in the account). Nothing is
changed.

Options:
  --policies DIR   folder laid out like the bucket prefix; it replaces the bucket's contents
                   (default: the bucket as it is now, i.e. show drift)
  --accounts IDS   comma list of account ids (default: every enrolled account)
  --json           print { accounts: [...], summary: { accounts, changed, failed } }
  -h, --help       show this help

${AWS_OPTIONS_HELP}

Exit status: 0 every account compiles (changes or not), 1 an account would fail to compile or its
deployed boundary could not be read, 2 usage error.
`;

const OPTIONS = {
  ...AWS_OPTIONS,
  policies: { type: 'string' },
  accounts: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function planText(plan: AccountPlan, terminal: Terminal): string {
  const lines = [
    `${terminal.paint('bold', `account ${plan.accountId}`)} ${plan.status} ${plan.ouPath.join(' → ')}`,
  ];
  if (plan.error) {
    lines.push(terminal.paint('red', `  error ${plan.error.code}: ${plan.error.message}`));
    if (plan.error.findings)
      lines.push(
        ...formatFindings(plan.error.findings)
          .trimEnd()
          .split('\n')
          .map((l) => `    ${l}`),
      );
    return `${lines.join('\n')}\n`;
  }
  lines.push(`  files    ${plan.files.join(', ')}`);
  lines.push(`  size     ${plan.size} / ${plan.sizeLimit}`);
  lines.push(
    `  deployed ${plan.deployed ? `${plan.deployed.versionId} ${plan.deployed.hash.slice(0, 12)}` : 'none'}`,
  );
  const diff = plan.diff;
  if (!plan.changed || !diff) lines.push(`  ${terminal.paint('dim', 'no change')}`);
  else {
    lines.push(
      `  changes  +${diff.added.length} -${diff.removed.length} ~${diff.changed.length} (=${diff.unchanged})`,
    );
    for (const statement of diff.added)
      lines.push(terminal.paint('green', `    + ${describeStatement(statement)}`));
    for (const statement of diff.removed)
      lines.push(terminal.paint('red', `    - ${describeStatement(statement)}`));
    for (const change of diff.changed)
      lines.push(terminal.paint('yellow', `    ~ ${describeStatement(change.after)}`));
  }
  return `${lines.join('\n')}\n`;
}

export function makePlanCommand(environment: OperatorEnvironment): CliCommand {
  const run = (argv: string[], io: CliIo) =>
    guarded(io, { name: 'plan', usage }, argv, async (facts) => {
      const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true });
      const accountIds = commaList(values.accounts).map((id) => accountIdOption(id, '--accounts'));
      const local = values.policies === undefined ? undefined : localSnapshot(values.policies);
      const { ctx } = await openSession(values, environment.env, {
        command: 'plan',
        io,
        managementAccount: true,
        facts,
      });
      const terminal = terminalOf(io, environment);
      const targets = await planTargets(ctx, accountIds);
      const plans = await planAccounts(
        ctx,
        local ?? policySnapshot(ctx.ports.policyStore),
        targets,
        (plan, done) => terminal.progress(`planned ${done}/${targets.length} (${plan.accountId})`),
      );
      terminal.progressDone();
      const summary = {
        accounts: plans.length,
        changed: plans.filter((plan) => plan.changed).length,
        failed: plans.filter((plan) => plan.error).length,
      };
      if (values.json) printJson(io, { accounts: plans, summary });
      else {
        io.stdout(plans.map((plan) => planText(plan, terminal)).join('\n'));
        io.stdout(
          `\n${summary.accounts} account(s): ${summary.changed} would change, ${summary.failed} failed\n`,
        );
      }
      return summary.failed > 0 ? ExitCode.policyError : ExitCode.ok;
    });
  return { name: 'plan', summary: 'show what a policy folder would change in each account', usage, run };
}

function localSnapshot(dir: string) {
  try {
    return directorySnapshot(dir);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
