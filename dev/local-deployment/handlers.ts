/**
 * The real handlers, built through their factories the way a Lambda container builds them: config
 * from the environment, adapters from shared/wiring.ts, pointed at the local stack and running
 * with the function's own role session. One call = one fresh container per function (cold caches).
 */

import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import type { Context } from 'aws-lambda';
import { regionalComputeReader } from '#aws/compute-clients.ts';
import { makeHandler as makeAccountRegister } from '#functions/account-register.ts';
import { makeHandler as makeAccountWorker } from '#functions/account-worker.ts';
import { logPort } from '#functions/commons/logger.ts';
import type { HandlerDeps } from '#functions/commons/runtime.ts';
import { makeHandler as makeIamEventDispatcher } from '#functions/iam-event-dispatcher.ts';
import { makeHandler as makeOrganizationEventDispatcher } from '#functions/organization-event-dispatcher.ts';
import { type FunctionName, MENDS_MEMBER_TRUST, READS_EXEMPT_COMPUTE } from '#functions/permissions.ts';
import { makeHandler as makeReconciler } from '#functions/reconciler.ts';
import { makeHandler as makeS3EventDispatcher } from '#functions/s3-event-dispatcher.ts';
import { regionalArn } from '#policy/arn.ts';
import { partitionOfArn } from '#policy/partition.ts';
import { loadConfig } from '#shared/config.ts';
import { buildPorts, flowContextFor } from '#shared/wiring.ts';
import type { LocalStackClient } from '../local-aws/stack.ts';
import { type Deployment, functionClientConfig, STAGE } from './deployment.ts';

export interface ScpAltHandlers {
  accountRegister: ReturnType<typeof makeAccountRegister>;
  s3EventDispatcher: ReturnType<typeof makeS3EventDispatcher>;
  iamEventDispatcher: ReturnType<typeof makeIamEventDispatcher>;
  organizationEventDispatcher: ReturnType<typeof makeOrganizationEventDispatcher>;
  reconciler: ReturnType<typeof makeReconciler>;
  accountWorker: ReturnType<typeof makeAccountWorker>;
}

export interface BuildHandlersOptions {
  /** Powertools log level of the functions; SILENT unless SCP_ALT_LOG_LEVEL says otherwise. */
  logLevel?: LogLevel;
}

export async function buildHandlers(
  stack: LocalStackClient,
  deployment: Deployment,
  options: BuildHandlersOptions = {},
): Promise<ScpAltHandlers> {
  const deps = (name: FunctionName) => containerDeps(stack, deployment, name, options);
  return {
    accountRegister: makeAccountRegister(await deps('account-register')),
    s3EventDispatcher: makeS3EventDispatcher(await deps('s3-event-dispatcher')),
    iamEventDispatcher: makeIamEventDispatcher(await deps('iam-event-dispatcher')),
    organizationEventDispatcher: makeOrganizationEventDispatcher(await deps('organization-event-dispatcher')),
    reconciler: makeReconciler(await deps('reconciler')),
    accountWorker: makeAccountWorker(await deps('account-worker')),
  };
}

/** A handler as any one function's handler: the event in, the handler's answer out. */
export type AnyHandler = (event: unknown, context: Context) => Promise<unknown>;

const FACTORIES: Record<FunctionName, (deps: HandlerDeps) => AnyHandler> = {
  'account-register': (deps) => makeAccountRegister(deps) as AnyHandler,
  's3-event-dispatcher': (deps) => makeS3EventDispatcher(deps),
  'iam-event-dispatcher': (deps) => makeIamEventDispatcher(deps),
  'organization-event-dispatcher': (deps) => makeOrganizationEventDispatcher(deps),
  reconciler: (deps) => makeReconciler(deps),
  'account-worker': (deps) => makeAccountWorker(deps),
};

/** One container of one function: its handler with its own role session and cold caches. */
export async function buildHandler(
  stack: LocalStackClient,
  deployment: Deployment,
  functionName: FunctionName,
  options: BuildHandlersOptions = {},
): Promise<AnyHandler> {
  return FACTORIES[functionName](await containerDeps(stack, deployment, functionName, options));
}

async function containerDeps(
  stack: LocalStackClient,
  deployment: Deployment,
  functionName: FunctionName,
  options: BuildHandlersOptions,
): Promise<HandlerDeps> {
  const config = loadConfig(deployment.environment);
  const clientConfig = await functionClientConfig(stack, deployment, functionName);
  const { ports } = buildPorts(config, {
    functionName,
    clientConfig,
    mendsMemberTrust: MENDS_MEMBER_TRUST.includes(functionName),
    // As the functions wire it: those that reconcile read functions and stacks.
    ...(READS_EXEMPT_COMPUTE.includes(functionName) ? { computeReader: regionalComputeReader } : {}),
  });
  const logLevel = options.logLevel ?? (process.env.SCP_ALT_LOG_LEVEL as LogLevel | undefined) ?? 'SILENT';
  const logger = new Logger({ serviceName: 'scp-alt', logLevel });
  return { ctx: flowContextFor(config, ports, logPort(logger)), logger };
}

let invocation = 0;

/** The Lambda context fields the handlers read; `timeoutMs` is the function's configured timeout. */
export function lambdaContext(
  deployment: Deployment,
  functionName: FunctionName,
  timeoutMs = 600_000,
): Context {
  invocation += 1;
  const startedAt = Date.now();
  const name = `scp-alt-${STAGE}-${functionName}`;
  const partition = partitionOfArn(deployment.topicArn);
  const region = deployment.environment.AWS_REGION ?? '';
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: regionalArn(
      partition,
      'lambda',
      region,
      deployment.securityAccountId,
      `function:${name}`,
    ),
    memoryLimitInMB: '512',
    awsRequestId: `local-${invocation.toString().padStart(6, '0')}`,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - startedAt)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
