import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { Log } from '#usecases/ports.ts';

export function createLogger(): Logger {
  return new Logger({ serviceName: 'scp-alt' });
}

/** The use cases log through the small Log port; Powertools does the structured output. */
export function logPort(logger: Logger): Log {
  return {
    debug: (message, attributes) => logger.debug(message, { ...attributes }),
    info: (message, attributes) => logger.info(message, { ...attributes }),
    warn: (message, attributes) => logger.warn(message, { ...attributes }),
    error: (message, attributes) => logger.error(message, { ...attributes }),
  };
}

/** Per invocation: Lambda context keys plus requestId (and accountId when known) on every line. */
export function startInvocation(logger: Logger, context: Context, accountId?: string): void {
  logger.resetKeys();
  logger.addContext(context);
  logger.appendKeys({ requestId: context.awsRequestId, ...(accountId ? { accountId } : {}) });
}
