/** The retry delay curve: exponential with a cap and downward jitter. */

/** The parameters of {@link backoffDelay} (see the client's options for their defaults). */
export interface BackoffOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
  jitter: number;
}

/** The client's default curve: 1 s, doubling, capped at 30 s, up to 20% taken off at random. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialDelayMs: 1000, maxDelayMs: 30_000, multiplier: 2, jitter: 0.2 };

/** The delay without jitter before retry number `retry` (1-based): `initial * multiplier^(retry-1)`, capped. */
export function baseDelay(retry: number, options: BackoffOptions): number {
  // Grow step by step and stop at the cap, so a huge retry count never overflows to Infinity/NaN.
  let delay = options.initialDelayMs;
  for (let i = 1; i < retry && delay < options.maxDelayMs; i++) delay *= options.multiplier;
  return Math.min(delay, options.maxDelayMs);
}

/**
 * The delay before retry number `retry`: the base delay minus up to `jitter` of it. Jitter only
 * shortens, so the configured maximum really is the maximum.
 */
export function backoffDelay(retry: number, options: BackoffOptions, random: () => number): number {
  const base = baseDelay(retry, options);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(base * (1 - options.jitter * r));
}

/** Throw a RangeError when backoff options make no sense (misuse is reported at construction). */
export function checkBackoffOptions(options: BackoffOptions): void {
  const { initialDelayMs, maxDelayMs, multiplier, jitter } = options;
  if (!(Number.isFinite(initialDelayMs) && initialDelayMs >= 0)) throw new RangeError(`initialDelayMs must be a finite number >= 0, got ${initialDelayMs}`);
  if (!(Number.isFinite(maxDelayMs) && maxDelayMs >= initialDelayMs)) throw new RangeError(`maxDelayMs must be a finite number >= initialDelayMs, got ${maxDelayMs}`);
  if (!(Number.isFinite(multiplier) && multiplier >= 1)) throw new RangeError(`multiplier must be a finite number >= 1, got ${multiplier}`);
  if (!(jitter >= 0 && jitter <= 1)) throw new RangeError(`jitter must lie in [0, 1], got ${jitter}`);
}
