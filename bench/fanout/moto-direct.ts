/**
 * SDK clients that talk to moto itself, bypassing the proxy: no latency, throttling or counters.
 * Used only to seed large fleets quickly; moto acts in the account named by `x-moto-account-id`.
 */
import type { LocalStackClient } from '#dev/local-aws/stack.ts';

interface MiddlewareClient {
  middlewareStack: {
    add(
      middleware: (
        next: (args: { request: unknown }) => Promise<unknown>,
      ) => (args: { request: unknown }) => Promise<unknown>,
      options: { step: 'build'; name: string },
    ): void;
  };
}

export function motoDirectConfig(stack: LocalStackClient) {
  return { endpoint: stack.info.moto, region: stack.region, credentials: stack.credentials, maxAttempts: 3 };
}

/** Makes every request of `client` act in `accountId`. Returns the client for chaining. */
export function actingIn<C>(client: C, accountId: string): C {
  (client as unknown as MiddlewareClient).middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) request.headers['x-moto-account-id'] = accountId;
      return next(args);
    },
    { step: 'build', name: 'benchMotoAccount' },
  );
  return client;
}

/** Runs `work` for every item with at most `limit` in flight; the first failure rejects. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
