/** What `make local-env` prints for a person: the environment when ready, each invocation, each notice. */
import type { LocalEnvironment } from './environment.ts';
import type { EnvironmentDescription, EnvironmentFiles } from './files.ts';
import type { Invocation } from './functions.ts';
import { LOCAL_TRIGGERS, type LocalTrigger } from './triggers.ts';

function clock(): string {
  return new Date().toISOString().slice(11, 19);
}

function relative(path: string): string {
  const cwd = `${process.cwd()}/`;
  return path.startsWith(cwd) ? path.slice(cwd.length) : path;
}

/** `Workloads/Prod  ou-…  app-prod 556464170805`: every OU with the accounts directly in it. */
function organizationLines(env: LocalEnvironment): string[] {
  const { organization } = env;
  const accountsIn = (ouPath: string) =>
    Object.entries(organization.accounts)
      .filter(([name]) => organization.accountOus[name] === ouPath)
      .map(([name, id]) => `${name} ${id}`);
  const width = Math.max(4, ...Object.keys(organization.ous).map((path) => path.length));
  return [
    `    ${'Root'.padEnd(width)}  ${organization.rootId.padEnd(16)}  ${accountsIn('').join(', ') || '-'}`,
    ...Object.entries(organization.ous)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([path, id]) => `    ${path.padEnd(width)}  ${id.padEnd(16)}  ${accountsIn(path).join(', ') || '-'}`,
      ),
  ];
}

function wiringLine(trigger: LocalTrigger, reconcileEvery: string): string {
  switch (trigger.kind) {
    case 's3':
      return `policy bucket notifications (permission-boundary-policy/*.json) → ${trigger.functionName}`;
    case 'sqs':
      return `IAM calls in member accounts → CloudTrail event → scp-event-rule → scp-alt-bus → queue → ${trigger.functionName} (batch ${trigger.batchSize}${trigger.reportBatchItemFailures ? ', partial batch failures' : ''}, dead-letter queue after 5 receives)`;
    case 'schedule':
      return `schedule (${reconcileEvery}; deployed: ${trigger.scheduleExpression}) → ${trigger.functionName}`;
    default:
      return `Service Catalog ${trigger.resourceType} → ${trigger.functionName} (locally: enroll with scp-alt enroll)`;
  }
}

export interface ReadyFacts {
  description: EnvironmentDescription;
  files: EnvironmentFiles;
  elapsedMs: number;
  /** As given: `10m`, `off`… */
  reconcileEvery: string;
}

export function readyText(env: LocalEnvironment, facts: ReadyFacts): string {
  const { description, files, elapsedMs } = facts;
  const functions =
    env.functions === 'zip'
      ? 'the packaged zips (assets/), one plain node process per invocation'
      : 'the TypeScript sources, in this process';
  return [
    `scp-alt local environment ready in ${(elapsedMs / 1000).toFixed(1)} s (functions: ${functions})`,
    `  endpoint      ${description.endpoint}   region ${description.region}   stage ${description.stage}`,
    `  organization  ${env.organization.organizationId}, management account ${env.organization.managementAccountId}`,
    ...organizationLines(env),
    `  scp-alt       security account ${env.deployment.securityAccountId}: bucket ${description.bucket}, table ${description.table}`,
    '  wired',
    ...LOCAL_TRIGGERS.map(
      (trigger) =>
        `    ${wiringLine(trigger, facts.reconcileEvery === 'off' ? 'never' : `every ${facts.reconcileEvery}`)}`,
    ),
    '',
    'In another terminal of this checkout:',
    `  . ${relative(files.exports)}      (or pass --local to each scp-alt command)`,
    '  scp-alt status',
    `  aws --profile app-dev iam list-roles      (profiles: ${relative(files.awsConfig)})`,
    'Stop with Ctrl-C. The export lines follow on stdout.',
  ].join('\n');
}

export function invocationLine(invocation: Invocation, detail: string, verbose: boolean): string {
  const outcome = invocation.ok ? 'ok' : `FAILED ${invocation.error?.type}: ${invocation.error?.message}`;
  const line = `${clock()} ${invocation.functionName.padEnd(20)} ${String(invocation.durationMs).padStart(5)} ms  ${outcome}  (${detail})`;
  const log = invocation.log.trimEnd();
  return (verbose || !invocation.ok) && log ? `${line}\n${log.replace(/^/gm, '    | ')}` : line;
}

export function noticeLines(text: string): string {
  const [subject = '', ...rest] = text.split('\n');
  return [`${clock()} notice to the operators: ${subject}`, ...rest.map((line) => `    ${line}`)].join('\n');
}
