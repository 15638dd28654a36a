import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { loadConfig } from '#shared/config.ts';
import { buildPorts, flowContextFor, type WiringOptions } from '#shared/wiring.ts';
import type { FlowContext } from '#usecases/flow-context.ts';
import { type FunctionName, MENDS_MEMBER_TRUST } from '../permissions.ts';
import { createLogger, logPort } from './logger.ts';

/** What every handler factory receives: the use-case context and the logger behind its Log port. */
export interface HandlerDeps {
  ctx: FlowContext;
  logger: Logger;
  /** maxReceiveCount of the queue delivering to the function (default DEFAULT_MAX_RECEIVE_COUNT). */
  maxReceiveCount?: number;
}

/** The queues' maxReceiveCount when a test builds a handler without configuration. */
export const DEFAULT_MAX_RECEIVE_COUNT = 5;

/**
 * Real dependencies, built once per container on the first invocation. A missing or malformed
 * environment variable throws here, failing the cold start with the variable's name.
 */
export function productionDeps(functionName: FunctionName, wiring: ExtraWiring = {}): HandlerDeps {
  const config = loadConfig();
  const logger = createLogger();
  const mendsMemberTrust = MENDS_MEMBER_TRUST.includes(functionName);
  const { ports } = buildPorts(config, { functionName, mendsMemberTrust, ...wiring });
  return {
    ctx: flowContextFor(config, ports, logPort(logger)),
    logger,
    maxReceiveCount: config.queueMaxReceiveCount,
  };
}

export type AsyncHandler<E, R> = (event: E, context: Context) => Promise<R>;

/** What one function adds to the wiring every function shares (the reconciler's compute reader). */
export type ExtraWiring = Pick<WiringOptions, 'computeReader'>;

/** Wraps a handler factory so the real dependencies are built lazily and only once. */
export function lazyHandler<E, R>(
  functionName: FunctionName,
  makeHandler: (deps: HandlerDeps) => AsyncHandler<E, R>,
  wiring: ExtraWiring = {},
): AsyncHandler<E, R> {
  let handler: AsyncHandler<E, R> | undefined;
  return (event, context) => {
    handler ??= makeHandler(productionDeps(functionName, wiring));
    return handler(event, context);
  };
}
