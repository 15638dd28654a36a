/**
 * scp-alt on the local stack for the fault matrix: deployed and enrolled once (app-dev and app-prod
 * under Workloads, sandbox with its own account file), then driven through the real handlers built
 * per cell (a cold container each). The SDK gets 2 attempts and an account 4 with short waits, so
 * injected faults exhaust retries in milliseconds instead of minutes; the logic is production's.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { regionalComputeReader } from '#aws/compute-clients.ts';
import type { LocalStackClient } from '#dev/local-aws/stack.ts';
import { type Deployment, functionClientConfig } from '#dev/local-deployment/deployment.ts';
import type { S3Notification } from '#dev/local-deployment/events.ts';
import { lambdaContext } from '#dev/local-deployment/handlers.ts';
import { failureMessages } from '#dev/local-deployment/inspect.ts';
import { policyKey } from '#dev/local-deployment/policy-files.ts';
import { logPort } from '#functions/commons/logger.ts';
import { makeHandler as makeIamEventDispatcher } from '#functions/iam-event-dispatcher.ts';
import { type FunctionName, READS_EXEMPT_COMPUTE } from '#functions/permissions.ts';
import { makeHandler as makeReconciler } from '#functions/reconciler.ts';
import { makeHandler as makeS3EventDispatcher } from '#functions/s3-event-dispatcher.ts';
import { loadConfig } from '#shared/config.ts';
import { buildPorts, flowContextFor } from '#shared/wiring.ts';
import type { PolicyChangeResult } from '#usecases/policy-change.ts';

export interface ContainerOptions {
  fanoutConcurrency?: number;
  /** Stop starting accounts this long before the (simulated) timeout. */
  fanoutMarginMs?: number;
  /** The queue's maxReceiveCount the SQS-fed functions are told (default the deployment's). */
  maxReceiveCount?: number;
  /** Fan-outs larger than this go on the account work queue (default the deployment's, 10). */
  accountWorkInlineMax?: number;
}

export interface FaultContainers {
  s3EventDispatcher: ReturnType<typeof makeS3EventDispatcher>;
  reconciler: ReturnType<typeof makeReconciler>;
  iamEventDispatcher: ReturnType<typeof makeIamEventDispatcher>;
}

/** Fresh containers (cold caches, new sessions) of the fan-out functions. */
export async function coldContainers(
  stack: LocalStackClient,
  deployment: Deployment,
  options: ContainerOptions = {},
): Promise<FaultContainers> {
  const environment = {
    ...deployment.environment,
    FANOUT_CONCURRENCY: String(options.fanoutConcurrency ?? 4),
    ...(options.accountWorkInlineMax === undefined
      ? {}
      : { ACCOUNT_WORK_INLINE_MAX: String(options.accountWorkInlineMax) }),
  };
  const config = loadConfig(environment);
  const logLevel = (process.env.SCP_ALT_LOG_LEVEL as LogLevel | undefined) ?? 'SILENT';
  const deps = async (functionName: FunctionName) => {
    const clientConfig = { ...(await functionClientConfig(stack, deployment, functionName)), maxAttempts: 2 };
    const { ports } = buildPorts(config, {
      functionName,
      clientConfig,
      ...(READS_EXEMPT_COMPUTE.includes(functionName) ? { computeReader: regionalComputeReader } : {}),
    });
    const logger = new Logger({ serviceName: 'scp-alt', logLevel });
    const ctx = {
      ...flowContextFor(config, ports, logPort(logger)),
      retry: { attempts: 4, baseDelayMs: 40 },
    };
    return {
      ctx,
      logger,
      ...(options.fanoutMarginMs ? { fanoutMarginMs: options.fanoutMarginMs } : {}),
      ...(options.maxReceiveCount ? { maxReceiveCount: options.maxReceiveCount } : {}),
    };
  };
  return {
    s3EventDispatcher: makeS3EventDispatcher(await deps('s3-event-dispatcher')),
    reconciler: makeReconciler(await deps('reconciler')),
    iamEventDispatcher: makeIamEventDispatcher(await deps('iam-event-dispatcher')),
  };
}

/** Runs s3-event-dispatcher once per notification, as S3 invokes it. */
export async function dispatchS3(
  containers: FaultContainers,
  deployment: Deployment,
  notifications: S3Notification[],
  timeoutMs = 900_000,
): Promise<PolicyChangeResult[]> {
  const results: PolicyChangeResult[] = [];
  for (const notification of notifications) {
    const answer = await containers.s3EventDispatcher(
      notification,
      lambdaContext(deployment, 's3-event-dispatcher', timeoutMs),
    );
    if (Array.isArray(answer)) results.push(...answer);
  }
  return results;
}

/** An ordinary SCP file: allow everything, deny the given actions. */
export function denyFile(actions: string[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'FullAWSAccess', Effect: 'Allow', Action: '*', Resource: '*' },
      { Sid: 'Guardrails', Effect: 'Deny', Action: actions, Resource: '*' },
    ],
  });
}

export const workloadsKey = (deployment: Deployment) =>
  policyKey(deployment.organization.ous.Workloads ?? '');
export const sandboxKey = (deployment: Deployment) =>
  policyKey(`account-${deployment.organization.accounts.sandbox ?? ''}`);

/** The SNS messages since the last call that mention every one of `words` (waits for one). */
export async function messagesNaming(deployment: Deployment, ...words: string[]): Promise<string[]> {
  const messages = await failureMessages(deployment, { atLeast: 1 });
  return messages.filter((text) => words.every((word) => text.includes(word)));
}

/** Same, without waiting for a message to arrive: for cells where none is expected. */
export async function messagesNowNaming(deployment: Deployment, ...words: string[]): Promise<string[]> {
  const messages = await failureMessages(deployment);
  return messages.filter((text) => words.every((word) => text.includes(word)));
}

export interface MatrixRow {
  cell: string;
  fault: string;
  outcome: string;
  notice: string;
  convergence: string;
}

/** The matrix as a fixed-width table, one line per cell. */
export function formatMatrix(rows: MatrixRow[]): string {
  const header: MatrixRow = {
    cell: 'CELL',
    fault: 'FAULT',
    outcome: 'OUTCOME',
    notice: 'SNS NOTICE',
    convergence: 'CONVERGENCE',
  };
  const columns = Object.keys(header) as (keyof MatrixRow)[];
  const widths = columns.map((column) => Math.max(...[header, ...rows].map((row) => row[column].length)));
  const line = (row: MatrixRow) => columns.map((column, i) => row[column].padEnd(widths[i] ?? 0)).join(' │ ');
  return [
    '',
    'Fault matrix',
    line(header),
    widths.map((w) => '─'.repeat(w)).join('─┼─'),
    ...rows.map(line),
  ].join('\n');
}
