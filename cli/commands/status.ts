/** `scp-alt status`: the enrolled accounts as the account table records them. */
import { parseArgs } from 'node:util';
import type { AccountRecord } from '#usecases/ports.ts';
import { type CliCommand, type CliIo, ExitCode } from '../command.ts';
import { AWS_OPTIONS, AWS_OPTIONS_HELP } from '../operator/aws-options.ts';
import type { OperatorEnvironment } from '../operator/environment.ts';
import { collectEstate } from '../operator/estate.ts';
import { accountIdOption, guarded } from '../operator/guarded.ts';
import { organizationReport, organizationReportText } from '../operator/organization-changes.ts';
import { permissionSetText, readPermissionSets } from '../operator/permission-set-text.ts';
import { openSession } from '../operator/session.ts';
import { formatTable, printJson, type Terminal, terminalOf } from '../operator/terminal.ts';
import { UsageError } from '../operator/usage-error.ts';

const usage = `Usage: scp-alt status [--account ID] [options]

Lists the enrolled accounts from the account table: status, who enrolled it (service-catalog, cli
or auto), OU path, policy files, policy hash, boundary version, the additional policies beside it
(scp-enforce-policy-2, ... with their versions), last update and last error. Without --account and
with a management account configured, also the organization: OUs created, renamed or deleted since
the last reconcile, and policy files whose root, OU or account no longer exists; and the Identity
Center permission sets with their state (governed, to-bound, outside, spans-unenrolled,
own-boundary) and the enrolled and other accounts they are provisioned to.

Options:
  --account ID   only this account
  --json         print { generatedAt, deployment, accounts: [...] (one object per record),
                 policyFiles } — the capture \`scp-alt report --from\` renders offline
  --estate       with --json: add the organization tree (OU names, accounts; management role)
                 and, per enrolled account, the principals left without a boundary and why
                 (one IAM read per principal)
  -h, --help     show this help

${AWS_OPTIONS_HELP}

Exit status: 0 every listed account is healthy, 1 an account is FAILED or UNREACHABLE, not
enrolled, or the table could not be read, 2 usage error.
`;

const OPTIONS = {
  ...AWS_OPTIONS,
  account: { type: 'string' },
  json: { type: 'boolean' },
  estate: { type: 'boolean' },
} as const;

const STATUS_COLOUR = {
  ACTIVE: 'green',
  FAILED: 'red',
  ENROLLING: 'yellow',
  DEREGISTERING: 'yellow',
  UNREACHABLE: 'dim',
} as const;

// The whole error is in --json; a table row keeps its first words.
const LAST_ERROR_WIDTH = 80;

function shortened(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

/** `-2 v1, -3 v4`: each additional policy by its suffix, with its version. */
function additionalText(record: AccountRecord): string {
  if (record.additionalPolicies.length === 0) return '-';
  return record.additionalPolicies
    .map((extra) => `${extra.name.slice(extra.name.lastIndexOf('-'))} ${extra.versionId}`)
    .join(', ');
}

function statusTable(records: AccountRecord[], terminal: Terminal): string {
  const header = [
    'ACCOUNT',
    'STATUS',
    'BY',
    'OU PATH',
    'FILES',
    'HASH',
    'VERSION',
    'ADDITIONAL',
    'UPDATED',
    'LAST ERROR',
  ];
  const rows = records.map((record) => [
    record.accountId,
    terminal.paint(STATUS_COLOUR[record.status], record.status),
    record.enrolledBy,
    record.ouPath.join('/') || record.ouId,
    record.policyFileKeys.map((key) => key.replace(/^permission-boundary-policy\//, '')).join(',') || '-',
    record.compiledHash?.slice(0, 12) ?? '-',
    record.boundaryVersionId ?? '-',
    additionalText(record),
    record.updatedAt || '-',
    shortened(record.lastError ?? '', LAST_ERROR_WIDTH),
  ]);
  return formatTable([header.map((cell) => terminal.paint('bold', cell)), ...rows]);
}

export function makeStatusCommand(environment: OperatorEnvironment): CliCommand {
  const run = (argv: string[], io: CliIo) =>
    guarded(io, { name: 'status', usage }, argv, async (facts) => {
      const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true });
      const accountId = values.account === undefined ? undefined : accountIdOption(values.account);
      if (values.estate && !values.json)
        throw new UsageError('--estate needs --json (or use scp-alt report)');
      const session = await openSession(values, environment.env, {
        command: 'status',
        io,
        managementAccount: values.estate ?? false,
        facts,
      });
      const { ctx } = session;
      const accounts = ctx.ports.accounts;
      const found = accountId ? await accounts.get(accountId) : undefined;
      const records = accountId
        ? found
          ? [found]
          : []
        : (await accounts.listAll()).sort((a, b) => a.accountId.localeCompare(b.accountId));
      // The whole organization, when all accounts are listed and a management account is configured.
      const organization =
        !accountId && (values['management-account'] ?? environment.env.MANAGEMENT_ACCOUNT_ID)
          ? (
              await organizationReport(ctx, async () =>
                (await ctx.ports.policyStore.listPolicyObjects()).map((object) => object.key),
              )
            ).report
          : undefined;
      // Read with the organization: the management role reaches Identity Center.
      const permissionSets = organization ? await readPermissionSets(ctx) : undefined;
      if (values.json)
        printJson(io, {
          ...(await collectEstate(session, records, { deep: values.estate ?? false, now: new Date() })),
          ...(organization ? { organizationChanges: organization } : {}),
          ...permissionSets,
        });
      else {
        if (records.length === 0)
          io.stdout(accountId ? `account ${accountId} is not enrolled\n` : 'no enrolled accounts\n');
        else io.stdout(statusTable(records, terminalOf(io, environment)));
        if (organization) io.stdout(organizationReportText(organization));
        if (permissionSets) io.stdout(permissionSetText(permissionSets, terminalOf(io, environment)));
      }
      const unhealthy =
        (accountId && !found) ||
        records.some((record) => record.status === 'FAILED' || record.status === 'UNREACHABLE');
      return unhealthy ? ExitCode.policyError : ExitCode.ok;
    });
  return {
    name: 'status',
    summary: 'show enrolled accounts: status, OU path, files, policy version',
    usage,
    run,
  };
}
