/** `scp-alt simulate`: would the account's SCP chain (as scp-alt enforces it) allow this request? */
import { parseArgs } from 'node:util';
import { partitionInfo, partitionOfRegion } from '#policy/partition.ts';
import { PolicyInvalidError } from '#shared/errors.ts';
import { type PolicySnapshot, policySnapshot } from '#usecases/compile-account.ts';
import { boundaryParametersFor, type FlowContext } from '#usecases/flow-context.ts';
import type { CliCommand, CliIo } from '../command.ts';
import {
  AWS_OPTIONS,
  AWS_OPTIONS_HELP,
  type AwsOptionValues,
  type Env,
  givenRegion,
  operatorConfig,
} from '../operator/aws-options.ts';
import { directorySnapshot } from '../operator/directory-snapshot.ts';
import type { OperatorEnvironment } from '../operator/environment.ts';
import { exemptionLabels, exemptionOf } from '../operator/exemption-reasons.ts';
import { accountIdOption, guarded } from '../operator/guarded.ts';
import { identityCenterSession } from '../operator/identity-center-session.ts';
import { ouPathFor } from '../operator/plan-accounts.ts';
import { openSession } from '../operator/session.ts';
import type { SessionFacts } from '../operator/session-facts.ts';
import { type SimulationResult, simulateAccess } from '../operator/simulate-access.ts';
import {
  chainSources,
  checkedAction,
  defaultPrincipal,
  parseContext,
  simulationRequest,
} from '../operator/simulate-request.ts';
import { printJson, type Terminal, terminalOf } from '../operator/terminal.ts';
import { UsageError } from '../operator/usage-error.ts';

/** simulate answers a question, so "denied" is not a failure of the command: it has its own code. */
export const SimulateExit = { allowed: 0, denied: 1, usageError: 2, cannotEvaluate: 3 } as const;

const usage = `Usage: scp-alt simulate --account ID --action SERVICE:ACTION [options]

Decides whether a request in a member account is allowed by its SCP chain root → OUs → account as
scp-alt enforces it: the chain's files (a denial names the file, level and statement), scp-alt's
protective statements, and the compiled policies: the boundary, and the Deny-only additional
policies scp-enforce-policy-2, ... (identity policies beside it) when the chain does not fit in
one. The principal is assumed to hold AdministratorAccess, so only the chain and those can deny.
Uses scp-alt's own evaluator.
An action missing from the IAM action catalog is an error (with the nearest real one). Exempt
principals (the organization access role, whitelisted names, service-linked roles) carry no
boundary: they are answered "Exempt", with what the chain alone would decide. An Identity Center
session (--principal arn:...:sts::ID:assumed-role/AWSReservedSSO_<set>_<hash>/<user>) is decided
with the boundary when its permission set is governed (read from Identity Center; assumed
offline), else answered "Exempt" with the permission set's state.

Required:
  --account ID          12-digit member account id
  --action A            one action, e.g. s3:GetObject

Options:
  --resource ARN        resource ARN (default *)
  --principal ARN       user, role or role-session ARN (default role/scp-alt-simulated-role)
  --context K=V         request context key, repeatable (a key given twice is multi-valued),
                        e.g. --context aws:SourceIp=10.1.2.3. aws:PrincipalArn,
                        aws:PrincipalAccount and aws:RequestedRegion (the resource's region,
                        else --region) are set unless given.
  --policies SOURCE     local folder instead of the bucket, or TARGET=FILE pairs
                        (r-ab12=policies/deny-all-billing.json,...)
  --ou-path PATH        root id, then OU ids: r-ab12/ou-ab12-11111111 (default: the account
                        record, else Organizations). With --policies, no AWS call is made and
                        no AWS setting is needed (partition: --partition, else the region's,
                        else aws-cn; aws:RequestedRegion: --region, else the partition's first).
  --allow-unknown-actions
                        decide an action the catalog does not know (a warning, not an error)
  --json                print the decision as one object
  -h, --help            show this help

${AWS_OPTIONS_HELP}

Exit status: 0 allowed (or exempt: no boundary), 1 denied, 2 usage error (unknown action included),
3 could not evaluate (policy error, no policy applies, AWS failure).
`;

const OPTIONS = {
  ...AWS_OPTIONS,
  account: { type: 'string' },
  action: { type: 'string' },
  resource: { type: 'string', default: '*' },
  principal: { type: 'string' },
  context: { type: 'string', multiple: true },
  policies: { type: 'string' },
  'ou-path': { type: 'string' },
  'allow-unknown-actions': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/**
 * Offline runs need no AWS setting: the partition names the boundary's ARNs (--partition, else the
 * given region's, else aws-cn as compile assumes) and its first region stands in for the region.
 */
function offlineValues(values: AwsOptionValues, env: Env): AwsOptionValues {
  const region = givenRegion(values, env);
  const partition = values.partition ?? env.SCP_PARTITION ?? (region ? partitionOfRegion(region) : 'aws-cn');
  return { ...values, partition, region: region ?? partitionInfo(partition).iamEventsRegion };
}

function localSnapshot(dir: string): PolicySnapshot {
  try {
    return directorySnapshot(dir);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function resultText(result: SimulationResult, terminal: Terminal): string {
  const lines: string[] = [];
  if (result.decision === 'Allowed') {
    lines.push(terminal.paint('green', 'Allowed'));
    for (const allow of result.allowedBy)
      lines.push(
        `  ${allow.level}: ${allow.file} Statement[${allow.index}]${allow.sid ? ` (${allow.sid})` : ''}`,
      );
  } else {
    lines.push(`${terminal.paint('red', 'Denied')} (${result.evaluation}, by ${result.deniedBy})`);
    const deciding = result.deciding;
    if (deciding)
      lines.push(
        `  ${deciding.level ? `${deciding.level}: ` : ''}${deciding.file} Statement[${deciding.index}]${deciding.sid ? ` (${deciding.sid})` : ''}`,
      );
    if (result.implicitDenyLevel)
      lines.push(
        `  no Allow matched at ${result.implicitDenyLevel.level} (${result.implicitDenyLevel.files.join(', ')})`,
      );
  }
  if (!result.boundaryAgrees)
    lines.push(terminal.paint('yellow', `warning: the compiled boundary decides ${result.boundaryDecision}`));
  return `${lines.join('\n')}\n`;
}

type SimulateValues = ReturnType<typeof parseOptions>;

function parseOptions(argv: string[]) {
  return parseArgs({ args: argv, options: OPTIONS, strict: true }).values;
}

interface ChainSetting {
  settings: Parameters<typeof boundaryParametersFor>[0] & { region: string };
  snapshot: PolicySnapshot;
  ouPath: string[];
  /** The session's context when AWS is read (absent offline). */
  ctx?: FlowContext;
}

/** Where the policies, the OU path and the deployment settings come from: flags alone, or AWS. */
async function chainSetting(
  values: SimulateValues,
  accountId: string,
  environment: OperatorEnvironment,
  io: CliIo,
  facts: SessionFacts,
): Promise<ChainSetting> {
  const givenOuPath = values['ou-path']?.split('/').filter((part) => part !== '');
  const local = values.policies === undefined ? undefined : localSnapshot(values.policies);
  if (local && givenOuPath) {
    // Offline: the boundary's names only need the partition; no account of the deployment is used.
    const securityAccount =
      values['security-account'] ?? environment.env.SECURITY_ACCOUNT_ID ?? '000000000000';
    const settings = operatorConfig(
      offlineValues(values, environment.env),
      environment.env,
      securityAccount,
      {
        managementAccount: false,
      },
    );
    return { settings, snapshot: local, ouPath: givenOuPath };
  }
  const { ctx, config } = await openSession(values, environment.env, {
    command: 'simulate',
    io,
    managementAccount: true,
    facts,
  });
  const ouPath = givenOuPath ?? (await ouPathFor(ctx, await ctx.ports.accounts.get(accountId), accountId));
  return { settings: config, snapshot: local ?? policySnapshot(ctx.ports.policyStore, ctx.now), ouPath, ctx };
}

function exemptText(
  exemption: string,
  principal: string,
  result: SimulationResult,
  terminal: Terminal,
): string {
  const chain = resultText(result, terminal)
    .trimEnd()
    .split('\n')
    .map((line) => `  ${line}`);
  return [
    `${terminal.paint('yellow', 'Exempt')}: ${principal} carries no boundary (${exemption}); scp-alt does not restrict it`,
    '  the SCP chain alone would decide (as native SCPs would):',
    ...chain,
    '',
  ].join('\n');
}

async function simulate(
  argv: string[],
  io: CliIo,
  environment: OperatorEnvironment,
  facts: SessionFacts,
): Promise<number> {
  const values = parseOptions(argv);
  const accountId = accountIdOption(values.account);
  if (!values.action) throw new UsageError('--action is required');
  const action = checkedAction(values.action, values['allow-unknown-actions'] ?? false);
  if (action.warning) io.stderr(`warning: ${action.warning}\n`);
  const context = parseContext(values.context ?? []);
  const { settings, snapshot, ouPath, ctx } = await chainSetting(values, accountId, environment, io, facts);
  const principal = values.principal ?? defaultPrincipal(settings.partition, accountId);
  const request = simulationRequest({
    accountId,
    region: settings.region,
    action: action.action,
    resource: values.resource,
    principal,
    context,
  });
  const params = boundaryParametersFor(settings, accountId);
  const chain = await chainSources(snapshot, { accountId, ouPath });
  const outcome = simulateAccess({
    request,
    chain,
    params,
    maxAdditionalPolicies: settings.maxAdditionalPolicies,
  });
  if (!outcome.ok) throw new PolicyInvalidError(outcome.errors);
  const { result } = outcome;
  const sso = await identityCenterSession(ctx, accountId, principal);
  const exemption =
    exemptionOf(principal, params, exemptionLabels(settings, accountId)) ??
    (sso && !sso.bounded
      ? `Identity Center permission set ${sso.permissionSet} is ${sso.state}: its role carries no boundary of ours`
      : undefined);
  const terminal = terminalOf(io, environment);
  if (values.json) {
    const answer = exemption
      ? { decision: 'Exempt', exemptBecause: exemption, chainDecision: result.decision, chain: result }
      : result;
    printJson(io, { ...answer, request: { ...request, ouPath }, ...(sso ? { identityCenter: sso } : {}) });
  } else {
    if (sso?.bounded)
      io.stdout(
        `Identity Center permission set ${sso.permissionSet} (${sso.state}) gives its role scp-enforce-policy by reference\n`,
      );
    io.stdout(exemption ? exemptText(exemption, principal, result, terminal) : resultText(result, terminal));
  }
  if (exemption) return SimulateExit.allowed;
  return result.decision === 'Allowed' ? SimulateExit.allowed : SimulateExit.denied;
}

export function makeSimulateCommand(environment: OperatorEnvironment): CliCommand {
  const run = (argv: string[], io: CliIo) =>
    guarded(io, { name: 'simulate', usage }, argv, (facts) => simulate(argv, io, environment, facts), {
      failureExit: SimulateExit.cannotEvaluate,
    });
  return {
    name: 'simulate',
    summary: "decide a request against an account's chain and name the deciding statement",
    usage,
    run,
  };
}
