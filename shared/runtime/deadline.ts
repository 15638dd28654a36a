/**
 * When a fan-out must stop starting new accounts. A Lambda invocation that is still running at its
 * timeout is killed mid-account with nothing recorded; stopping early leaves time to record which
 * accounts were not started, so replay or the next reconcile can finish them.
 */
export interface Deadline {
  /** True once no new account should be started. */
  reached(): boolean;
  /** Milliseconds left before the function's own timeout. */
  remainingMs(): number;
}

/** Longest time one account may need once started (a slow principal sweep). */
export const DEFAULT_FANOUT_MARGIN_MS = 60_000;
/** Never keep more than this share of the invocation in reserve. */
const MAX_MARGIN_SHARE = 0.25;

/**
 * A deadline `marginMs` before the invocation ends. The margin is capped at a quarter of the time
 * the invocation had at the start, so a short timeout still gets work done.
 */
export function deadlineBeforeTimeout(
  remainingMs: () => number,
  marginMs: number = DEFAULT_FANOUT_MARGIN_MS,
): Deadline {
  const margin = Math.min(marginMs, remainingMs() * MAX_MARGIN_SHARE);
  return {
    reached: () => remainingMs() <= margin,
    remainingMs,
  };
}
