export type Settled<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      error: unknown;
      /** Set when the item was never started because `stopStarting` said so. */
      notStarted?: true;
    };

export interface MapSettledOptions {
  /** Asked before each item starts; once true, the remaining items are not started. */
  stopStarting?: () => boolean;
  /** The error recorded for items that were not started. */
  notStartedError?: () => unknown;
}

/**
 * Runs `work` for every item with at most `limit` in flight and never rejects: each item's outcome
 * is returned in input order, so one failing account or principal cannot stop the others.
 */
export async function mapSettled<I, T>(
  items: readonly I[],
  limit: number,
  work: (item: I, index: number) => Promise<T>,
  options: MapSettledOptions = {},
): Promise<Settled<T>[]> {
  const results: Settled<T>[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      if (options.stopStarting?.()) {
        results[index] = { ok: false, error: options.notStartedError?.(), notStarted: true };
        continue;
      }
      try {
        results[index] = { ok: true, value: await work(items[index] as I, index) };
      } catch (error) {
        results[index] = { ok: false, error };
      }
    }
  };
  const workers = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}
