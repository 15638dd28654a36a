/** `scp-alt export-native`: the policy files as native SCPs per target, optionally applied. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { NativeScpAdapter } from '#aws/native-scp.ts';
import { DEFAULT_NATIVE_QUOTAS, type NativeQuotas } from '#policy/native-pack.ts';
import { partitionInfo } from '#policy/partition.ts';
import { PolicyInvalidError } from '#shared/errors.ts';
import { policySnapshot } from '#usecases/compile-account.ts';
import { exportNativeScps, type NativeTarget } from '#usecases/export-native.ts';
import type { FlowContext } from '#usecases/flow-context.ts';
import { type CliCommand, type CliIo, ExitCode } from '../command.ts';
import { formatFindings } from '../format.ts';
import { AWS_OPTIONS, AWS_OPTIONS_HELP } from '../operator/aws-options.ts';
import { directorySnapshot } from '../operator/directory-snapshot.ts';
import type { OperatorEnvironment } from '../operator/environment.ts';
import { diffPolicyFiles } from '../operator/file-diff.ts';
import { guarded } from '../operator/guarded.ts';
import {
  type AppliedTarget,
  applyNativeScps,
  type NativeChange,
  nativePolicyName,
  previewNativeChanges,
  type RetiredAccount,
  retireEmulation,
} from '../operator/native-apply.ts';
import { OperatorError } from '../operator/operator-error.ts';
import { openSession } from '../operator/session.ts';
import type { SessionFacts } from '../operator/session-facts.ts';
import { formatTable, printJson, terminalOf } from '../operator/terminal.ts';
import { UsageError } from '../operator/usage-error.ts';
import { readPolicyDirectory } from '../policy-dir.ts';

const usage = `Usage: scp-alt export-native --policies DIR [--out DIR] [options]

Turns the policy files into native SCPs, one set per target (root, OU, account): statements of a
target's files are packed into as few minified policies as fit the native quotas, written as
<out>/scp-alt-<target>-<n>.json. Account files get <ACCOUNT_ID> replaced by the account id; an OU
or root file using <ACCOUNT_ID> is an error naming the file (a native SCP serves every account
below its target and has no such placeholder).

Options:
  --policies DIR          folder laid out like the bucket prefix (required)
  --out DIR               where to write the policies (default native-scps)
  --max-size N            characters per SCP, whitespace counted (default 10240)
  --max-per-target N      SCPs per root, OU or account (default 10)
  --allow-unknown-actions accept actions missing from the IAM action catalog (as warnings)
  --apply                 create or update the policies in Organizations and attach them to their
                          targets (management-account role); FullAWSAccess is detached from each
                          target that receives policies; other SCPs are left and reported. The
                          changes are listed first and confirmed on the terminal; without a
                          terminal nothing is applied unless --yes is given. A folder that
                          differs from the bucket is refused (native SCPs would then disagree
                          with what the emulation enforces) unless --allow-differences is given
  --yes                   apply without asking (scripts)
  --allow-differences     apply a folder that differs from the bucket
  --retire                with --apply: then deregister the emulation from every enrolled account
                          whose chain is entirely covered by the applied policies
  --json                  print { ok, targets, warnings, applied?, retired? }
  -h, --help              show this help

${AWS_OPTIONS_HELP}

Exit status: 0 exported (and applied), 1 a file cannot be exported, applying failed, was declined,
or needed --yes or --allow-differences, 2 usage error.
`;

const OPTIONS = {
  ...AWS_OPTIONS,
  policies: { type: 'string' },
  out: { type: 'string', default: 'native-scps' },
  'max-size': { type: 'string' },
  'max-per-target': { type: 'string' },
  'allow-unknown-actions': { type: 'boolean' },
  apply: { type: 'boolean' },
  yes: { type: 'boolean' },
  'allow-differences': { type: 'boolean' },
  retire: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

type ExportValues = ReturnType<typeof parseOptions>;

function parseOptions(argv: string[]) {
  return parseArgs({ args: argv, options: OPTIONS, strict: true }).values;
}

function positiveInteger(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new UsageError(`${flag} '${value}' is not a positive integer`);
  return parsed;
}

function readSources(dir: string | undefined) {
  if (dir === undefined) throw new UsageError('--policies is required');
  try {
    const directory = readPolicyDirectory(dir);
    return directory.keys.map(directory.read);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function writePolicies(out: string, targets: NativeTarget[]) {
  mkdirSync(out, { recursive: true });
  return targets.map((target) => ({
    target: target.target,
    targetId: target.targetId,
    sources: target.sources,
    policies: target.policies.map((policy, index) => {
      const name = nativePolicyName(target.target, index);
      const file = join(out, `${name}.json`);
      writeFileSync(file, policy.text);
      return { name, file, size: policy.size, statements: policy.document.Statement.length };
    }),
  }));
}

type Written = ReturnType<typeof writePolicies>;

function exportText(written: Written, quotas: NativeQuotas): string {
  const rows = written.flatMap((target) =>
    target.policies.map((policy) => [
      target.target,
      policy.file,
      `${policy.size} / ${quotas.maxSize}`,
      String(policy.statements),
    ]),
  );
  return formatTable([['TARGET', 'FILE', 'SIZE', 'STATEMENTS'], ...rows]);
}

function appliedText(applied: AppliedTarget[], retired: RetiredAccount[] | undefined): string {
  const lines = applied.map((target) => {
    const actions = target.policies.map((policy) => `${policy.name} ${policy.action}`).join(', ');
    const extra = [
      target.removed.length > 0 ? `removed ${target.removed.join(', ')}` : '',
      target.detachedFullAwsAccess ? 'FullAWSAccess detached' : '',
      target.othersAttached.length > 0 ? `also attached (not ours): ${target.othersAttached.join(', ')}` : '',
    ].filter(Boolean);
    return `applied ${target.targetId}: ${actions}${extra.length > 0 ? `; ${extra.join('; ')}` : ''}`;
  });
  for (const account of retired ?? [])
    lines.push(`${account.outcome} ${account.accountId}: ${account.reason}`);
  return `${lines.join('\n')}\n`;
}

function previewText(changes: NativeChange[]): string {
  const byTarget = new Map<string, string[]>();
  for (const change of changes) {
    const words =
      change.action === 'keep' ? `keep ${change.policy} (not ours)` : `${change.action} ${change.policy}`;
    byTarget.set(change.targetId, [...(byTarget.get(change.targetId) ?? []), words]);
  }
  const rows = [...byTarget].map(([targetId, words]) => [targetId, words.join(', ')]);
  return `Organizations changes:\n${formatTable([['TARGET', 'CHANGES'], ...rows])}`;
}

/** The folder must be what the bucket holds, or the operator must say it need not be. */
async function checkFolderMatchesBucket(
  values: ExportValues,
  ctx: FlowContext,
  bucket: string,
): Promise<void> {
  const differences = await diffPolicyFiles(
    policySnapshot(ctx.ports.policyStore),
    directorySnapshot(values.policies ?? ''),
    'replace',
  );
  if (differences.length === 0 || values['allow-differences']) return;
  throw new OperatorError(
    'FOLDER_DIFFERS_FROM_BUCKET',
    `${values.policies} differs from the bucket ${bucket}: ${differences.map((d) => `${d.key} ${d.change}`).join(', ')}; nothing was applied`,
    'Upload the folder first (then the emulation enforces the same files), check with `scp-alt plan --policies`, or pass --allow-differences to apply it anyway.',
  );
}

async function confirmed(
  values: ExportValues,
  environment: OperatorEnvironment,
  count: number,
): Promise<void> {
  if (values.yes || count === 0) return;
  if (!environment.stdinIsTty || !environment.ask)
    throw new OperatorError(
      'CONFIRMATION_REQUIRED',
      `no terminal to confirm ${count} Organizations change(s) on; nothing was applied`,
      'Review the changes listed above and run again with --yes to apply them.',
    );
  const answer = (await environment.ask(`Apply these ${count} Organizations change(s)? [y/N] `)).trim();
  if (!/^y(es)?$/i.test(answer))
    throw new OperatorError('DECLINED', 'not confirmed; nothing was applied', 'Nothing to do.');
}

async function applyAndRetire(
  values: ExportValues,
  targets: NativeTarget[],
  io: CliIo,
  environment: OperatorEnvironment,
  quotas: NativeQuotas,
  facts: SessionFacts,
) {
  const { config, wiring, ctx, clientConfig } = await openSession(values, environment.env, {
    command: 'export-native',
    io,
    managementAccount: true,
    facts,
  });
  await checkFolderMatchesBucket(values, ctx, config.policyBucket);
  const port = new NativeScpAdapter({
    region: partitionInfo(config.partition).organizationsRegion,
    clientConfig,
    credentials: wiring.chain.managementProvider,
  });
  const preview = await previewNativeChanges(port, targets);
  if (!values.json) io.stdout(previewText(preview));
  await confirmed(values, environment, preview.filter((change) => change.action !== 'keep').length);
  // A progress line per target on a terminal: an estate of many OUs takes a while to apply.
  const terminal = terminalOf(io, environment);
  let done = 0;
  const applied = await applyNativeScps(port, targets, quotas.maxPerTarget, (target) => {
    done++;
    terminal.progress(`applied ${done}/${targets.length} (${target.targetId})`);
  });
  terminal.progressDone();
  const retired = values.retire ? await retireEmulation(ctx, applied) : undefined;
  return { preview, applied, retired };
}

async function exportNative(
  argv: string[],
  io: CliIo,
  environment: OperatorEnvironment,
  facts: SessionFacts,
): Promise<number> {
  const values = parseOptions(argv);
  if (values.retire && !values.apply) throw new UsageError('--retire needs --apply');
  const quotas = {
    maxSize: positiveInteger(values['max-size'], '--max-size', DEFAULT_NATIVE_QUOTAS.maxSize),
    maxPerTarget: positiveInteger(
      values['max-per-target'],
      '--max-per-target',
      DEFAULT_NATIVE_QUOTAS.maxPerTarget,
    ),
  };
  const standalone = values['standalone-accounts'] ?? environment.env.STANDALONE_ACCOUNT_IDS ?? '';
  const outcome = exportNativeScps(readSources(values.policies), quotas, {
    standaloneAccountIds: standalone.split(',').map((id) => id.trim()),
    allowUnknownActions: values['allow-unknown-actions'] ?? false,
  });
  io.stderr(formatFindings(outcome.warnings));
  if (!outcome.ok) throw new PolicyInvalidError(outcome.errors);
  const written = writePolicies(values.out, outcome.targets);
  const result = values.apply
    ? await applyAndRetire(values, outcome.targets, io, environment, quotas, facts)
    : undefined;
  const failedRetire = result?.retired?.some((account) => account.outcome === 'failed') ?? false;
  if (values.json)
    printJson(io, { ok: !failedRetire, targets: written, warnings: outcome.warnings, ...result });
  else {
    io.stdout(exportText(written, quotas));
    if (result) io.stdout(appliedText(result.applied, result.retired));
  }
  return failedRetire ? ExitCode.policyError : ExitCode.ok;
}

export function makeExportNativeCommand(environment: OperatorEnvironment): CliCommand {
  const run = (argv: string[], io: CliIo) =>
    guarded(io, { name: 'export-native', usage }, argv, (facts) =>
      exportNative(argv, io, environment, facts),
    );
  return { name: 'export-native', summary: 'write (and apply) the policy files as native SCPs', usage, run };
}
