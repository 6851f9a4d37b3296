// Many devices lose the hub at the same moment (a hub restart); jitter spreads their
// reconnects so the hub is not hit by all of them at once.

export interface BackoffOptions {
  /** Delay before the first retry, before jitter. */
  readonly baseMs: number;
  /** No wait is longer than this. */
  readonly maxMs: number;
  /** Uniform in [0, 1); injectable so tests are deterministic. */
  readonly random: () => number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 1000, maxMs: 30_000, random: Math.random };

/**
 * After the hub said it is shutting down (a restart, an upgrade), waits stay this short until
 * it answers again: it is expected back soon, and a long wait would keep a device away long
 * after. Jitter still spreads the reconnects.
 */
export const restartBackoffMaxMs = 5000;

/** Exponential in the attempt (0-based), capped, with "equal jitter": between half and all of it. */
export function backoffDelay(attempt: number, { baseMs, maxMs, random }: BackoffOptions): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
