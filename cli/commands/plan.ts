/** `scp-alt plan`: what uploading a policy folder or files would change, file by file and account by account. */
import { parseArgs } from 'node:util';
import { type PolicySnapshot, policySnapshot } from '#usecases/compile-account.ts';
import { type CliCommand, type CliIo, ExitCode } from '../command.ts';
import { AWS_OPTIONS, AWS_OPTIONS_HELP } from '../operator/aws-options.ts';
import { explainFailure } from '../operator/diagnose.ts';
import { directorySnapshot } from '../operator/directory-snapshot.ts';
import type { OperatorEnvironment } from '../operator/environment.ts';
import { awsFailureProbes } from '../operator/failure-probes.ts';
import {
  combinedSnapshot,
  diffPolicyFiles,
  type FileChange,
  type LocalScope,
} from '../operator/file-diff.ts';
import { accountIdOption, commaList, failureReport, guarded } from '../operator/guarded.ts';
import { organizationReport, organizationReportText } from '../operator/organization-changes.ts';
import { permissionSetText, readPermissionSets } from '../operator/permission-set-text.ts';
import { planAccounts, planTargets } from '../operator/plan-accounts.ts';
import { accountPlanText, fileChangesText } from '../operator/plan-text.ts';
import { openSession } from '../operator/session.ts';
import { printJson, terminalOf } from '../operator/terminal.ts';
import { UsageError } from '../operator/usage-error.ts';

/** Exit code of --detailed-exitcode when something would change. */
export const CHANGES_PENDING = 3;

const usage = `Usage: scp-alt plan [--policies SOURCE | --file TARGET=FILE...] [--accounts ID,ID...] [options]

What uploading policy files would change, without changing anything and without copying the
bucket: first the files that differ from the bucket (new, removed, changed, with their statement
differences), then for every enrolled account (or the accounts given) the files that would apply,
the compiled boundary's size against IAM's 6,144-character limit, warnings (a level whose files
allow nothing denies every request), and the statement-level difference from the boundary deployed
now (the default version of scp-enforce-policy), then the same for each Deny-only additional
policy beside it (scp-enforce-policy-2, ...: new ones, changed ones, and those the chain no longer
needs, which would be detached and deleted). Statements are shown in full: actions, resources and
every condition. Accounts are placed where Organizations has them now (an account moved since its
record was written is planned for its new OU, and says so). Then the organization: OUs created,
renamed or deleted since the last reconcile, and policy files whose root, OU or account no longer
exists. Last, the Identity Center permission sets and their state (to-bound: the reconciler gives
it our boundary by reference; spans-unenrolled, own-boundary: refused and reported).

Options:
  --policies SOURCE  a folder laid out like the bucket prefix, or TARGET=FILE pairs
                     (ou-ab12-11111111=policies/deny-all-billing.json,...); it replaces the
                     bucket's contents, so bucket files it lacks count as removed
  --file TARGET=FILE one file put over the bucket as it is (repeatable); TARGET is r-…, ou-…,
                     account-<id> or <target>/<name>; nothing else in the bucket changes
  (neither: the bucket as it is now, i.e. show drift between the bucket and the accounts)
  --accounts IDS     comma list of account ids (default: every enrolled account)
  --detailed-exitcode
                     exit 3 when a file differs from the bucket or an account would change
  --json             print { files: [...], accounts: [...], organization: { since, changes,
                     error }, permissionSets: [...], summary: { accounts, changed, failed,
                     warnings, files } }
  -h, --help         show this help

${AWS_OPTIONS_HELP}

Exit status: 0 every account compiles (with --detailed-exitcode: and nothing would change),
1 an account would fail to compile, does not exist, or its deployed boundary could not be read,
2 usage error, 3 (only with --detailed-exitcode) changes pending.
`;

const OPTIONS = {
  ...AWS_OPTIONS,
  policies: { type: 'string' },
  file: { type: 'string', multiple: true },
  accounts: { type: 'string' },
  'detailed-exitcode': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

interface LocalFiles {
  snapshot: PolicySnapshot;
  scope: LocalScope;
  description: string;
}

function localFiles(policies: string | undefined, files: string[]): LocalFiles | undefined {
  if (policies !== undefined && files.length > 0) throw new UsageError('give --policies or --file, not both');
  const spec = policies ?? (files.length > 0 ? files.join(',') : undefined);
  if (spec === undefined) return undefined;
  try {
    const snapshot = directorySnapshot(spec);
    return policies !== undefined
      ? { snapshot, scope: 'replace', description: `--policies ${policies}` }
      : { snapshot, scope: 'overlay', description: `--file ${files.join(' --file ')}` };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function makePlanCommand(environment: OperatorEnvironment): CliCommand {
  const run = (argv: string[], io: CliIo) =>
    guarded(io, { name: 'plan', usage }, argv, async (facts) => {
      const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true });
      const accountIds = commaList(values.accounts).map((id) => accountIdOption(id, '--accounts'));
      const local = localFiles(values.policies, values.file ?? []);
      const { ctx, config } = await openSession(values, environment.env, {
        command: 'plan',
        io,
        managementAccount: true,
        facts,
      });
      const terminal = terminalOf(io, environment);
      const bucket = policySnapshot(ctx.ports.policyStore, ctx.now);
      const files: FileChange[] = local ? await diffPolicyFiles(bucket, local.snapshot, local.scope) : [];
      const organization = await organizationReport(ctx, async () =>
        (await bucket.objects()).map((object) => object.key),
      );
      const targets = await planTargets(ctx, accountIds, organization.index);
      const snapshot = local ? combinedSnapshot(bucket, local.snapshot, local.scope) : bucket;
      const probes = awsFailureProbes(facts);
      const describe = async (error: unknown) =>
        failureReport((await explainFailure(error, facts, probes)) ?? error);
      const plans = await planAccounts(
        ctx,
        snapshot,
        targets,
        (plan, done) => terminal.progress(`planned ${done}/${targets.length} (${plan.accountId})`),
        describe,
      );
      terminal.progressDone();
      const summary = {
        accounts: plans.length,
        changed: plans.filter((plan) => plan.changed).length,
        failed: plans.filter((plan) => plan.error).length,
        warnings: plans.reduce((sum, plan) => sum + plan.warnings.length, 0),
        files: files.length,
      };
      const permissionSets = await readPermissionSets(ctx);
      if (values.json)
        printJson(io, {
          files,
          accounts: plans,
          organization: organization.report,
          ...permissionSets,
          summary,
        });
      else {
        if (local) io.stdout(`${fileChangesText(files, `bucket ${config.policyBucket}`, terminal)}\n`);
        io.stdout(plans.map((plan) => accountPlanText(plan, terminal)).join('\n'));
        io.stdout(`\n${organizationReportText(organization.report)}`);
        io.stdout(permissionSetText(permissionSets, terminal));
        io.stdout(
          `\n${summary.accounts} account(s): ${summary.changed} would change, ${summary.failed} failed, ` +
            `${summary.warnings} warning(s)${local ? `; ${summary.files} file(s) differ from the bucket` : ''}\n`,
        );
      }
      if (summary.failed > 0) return ExitCode.policyError;
      const pending = summary.changed > 0 || summary.files > 0;
      return values['detailed-exitcode'] && pending ? CHANGES_PENDING : ExitCode.ok;
    });
  return {
    name: 'plan',
    summary: 'show what a policy folder or files would change, file by file and account by account',
    usage,
    run,
  };
}
