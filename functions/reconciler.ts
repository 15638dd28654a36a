import type { Context } from 'aws-lambda';
import { type ReconcileReport, reconcileAccounts } from '#shared/reconcile.ts';
import { startInvocation } from './commons/logger.ts';
import { type HandlerDeps, lazyHandler } from './commons/runtime.ts';

/** Scheduled: compare every enrolled account with its desired state and repair drift. */
export function makeHandler(deps: HandlerDeps) {
  return async (_event: unknown, context: Context): Promise<ReconcileReport> => {
    startInvocation(deps.logger, context);
    const report = await reconcileAccounts(deps.ctx);
    deps.logger.info('reconcile finished', { checked: report.checked, drifted: report.drifted.length });
    return report;
  };
}

export const handler = lazyHandler('reconciler', makeHandler);
