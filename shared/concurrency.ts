export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs `work` for every item with at most `limit` in flight and never rejects: each item's outcome
 * is returned in input order, so one failing account or principal cannot stop the others.
 */
export async function mapSettled<I, T>(
  items: readonly I[],
  limit: number,
  work: (item: I, index: number) => Promise<T>,
): Promise<Settled<T>[]> {
  const results: Settled<T>[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
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
