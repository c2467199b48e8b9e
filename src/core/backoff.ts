/** Delays between automatic restarts, in ms: `initialMs`, then doubling up to `maxMs`. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** Consecutive restarts without reaching CONNECTED before the connection is marked FAILED. */
  maxAttempts: number;
}

export const defaultBackoff: BackoffPolicy = { initialMs: 1_000, maxMs: 60_000, maxAttempts: 10 };

/**
 * Returns the delay before restart number `attempt` (1 for the first), or
 * null when the policy allows no more attempts.
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number): number | null {
  if (attempt < 1 || attempt > policy.maxAttempts) return null;
  return Math.min(policy.maxMs, policy.initialMs * 2 ** (attempt - 1));
}
