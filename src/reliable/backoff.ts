/**
 * The reconnection delay: exponential backoff with a ceiling and proportional jitter.
 *
 * Jitter spreads the reconnections of many clients that lost the same server at the same moment, so they do not
 * all come back in the same millisecond (the "thundering herd"). Fixed-seed or injected `random` makes it exact in
 * tests.
 */

/** The backoff parameters (see `ReconnectOptions`). */
interface BackoffParameters {
  readonly initialDelay: number;
  readonly maxDelay: number;
  readonly factor: number;
  readonly jitter: number;
}

/**
 * The delay before attempt number `attempt` (1 for the first reconnection after a loss):
 * `base = min(maxDelay, initialDelay × factor^(attempt−1))`, then `base × (1 − jitter × random)`, rounded to
 * whole milliseconds. `random` is in [0, 1).
 */
export function backoffDelay(parameters: BackoffParameters, attempt: number, random: number): number {
  const { initialDelay, maxDelay, factor, jitter } = parameters;
  // Capping the exponent keeps `factor ** n` finite however long the outage lasts.
  const exponent = Math.min(Math.max(attempt - 1, 0), 1000);
  const grown = initialDelay === 0 ? 0 : initialDelay * factor ** exponent; // 0 × Infinity would be NaN
  const base = Math.min(maxDelay, grown);
  const unit = Number.isFinite(random) ? Math.min(Math.max(random, 0), 1) : 0;
  return Math.round(base * (1 - jitter * unit));
}
